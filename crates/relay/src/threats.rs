//! What a stranger on the internet can do to the relay, and what stops
//! them. The relay never sees a name (every blob is sealed with a key it
//! does not have), so the threats here are to its service: filling it,
//! stalling it, crashing it. Each line names the test that attacks it.
//!
//! # A stranger flooding the relay
//!
//! - **Bytes before a hello.** At most [`Limits::max_bytes_before_hello`]
//!   are read before a valid hello; the rest stays unread in the kernel
//!   and the connection ends (`abuse::a_large_message_before_the_hello_is_cut_off_after_a_kilobyte`).
//! - **Silence after connecting.** No hello within
//!   [`Limits::hello_timeout`]: closed
//!   (`abuse::a_client_that_never_says_hello_is_closed_after_the_hello_timeout`,
//!   `sync::a_silent_connection_is_closed_and_a_listening_one_stays`).
//! - **Headers a byte at a time (slowloris).** Closed after
//!   [`ServerLimits::header_read_timeout`]
//!   (`abuse::a_client_that_sends_its_headers_a_byte_at_a_time_is_cut_off_after_the_timeout`).
//! - **Many connections.** [`ServerLimits::max_connections`] in all,
//!   [`ServerLimits::max_connections_per_address`] per address (IPv6 by
//!   /64) (`server::tests::an_address_holds_at_most_its_share_of_connections`),
//!   [`Limits::connections_per_room`] per room
//!   (`sync::a_full_room_refuses_one_more_connection`).
//! - **Sockets that never read.** Deliveries waiting for a client are
//!   shared between clients and bounded by [`Limits::max_queued_bytes`];
//!   every frame goes out within [`Limits::send_timeout`]; large frames
//!   in sockets share [`Limits::large_send_bytes`]; the store's writer
//!   never waits for a client. Memory stays under the bound in the
//!   README and other rooms' deliveries flow on
//!   (`abuse::clients_that_never_read_pin_bounded_memory_and_other_rooms_flow_on`,
//!   `rooms::tests::an_outbox_that_passes_its_byte_bound_is_dropped_and_others_go_on`).
//! - **Large pushes holding up everyone's commits.** SQLite writes one
//!   transaction at a time per file, and an 8 MiB commit takes tens of
//!   milliseconds to reach the disk. Rooms are spread over shards, files
//!   with a writer each (`--shards`): a small push waits for no commit of
//!   another shard
//!   (`store::sqlite::tests::a_push_to_a_room_of_another_shard_does_not_wait_for_a_commit_under_way`),
//!   and within its shard for one large commit at most
//!   (`store::group_commit::tests::a_small_append_goes_before_a_large_one_of_another_room_and_after_one_of_its_own`).
//! - **Replaying a large room, many times at once.** Read from the store a
//!   page at a time, never the whole room
//!   (`store::sqlite::tests::a_page_stops_at_its_bytes_and_holds_at_least_one_blob`,
//!   `postgres::a_page_stops_at_its_bytes_and_holds_at_least_one_blob`).
//! - **Large or malformed frames, pushes too fast.** Refused with an
//!   error frame ([`Limits::max_frame_bytes`],
//!   [`Limits::pushes_per_second`])
//!   (`sync::frames_over_the_limit_and_pushes_too_fast_are_refused`,
//!   `bad_frames::the_relay_answers_any_bytes_with_readable_frames_or_an_error_and_keeps_serving`).
//! - **New rooms without end.** [`Limits::new_rooms_per_hour`] per address
//!   (`abuse::hellos_for_new_rooms_from_one_address_are_refused_past_the_hourly_ration`);
//!   optionally only with the operator's credential
//!   (`abuse::a_relay_with_a_creation_credential_opens_new_rooms_only_for_its_holders`).
//! - **Filling one room.** [`Limits::max_room_bytes`]
//!   (`sync::a_room_holds_no_more_bytes_than_allowed_until_a_snapshot_makes_room`).
//! - **Filling the disk.** [`Limits::max_stored_bytes`] and
//!   [`Limits::min_free_disk_bytes`]: pushes refused with `relay-full`,
//!   rooms readable, nothing acknowledged lost, pushes taken again once
//!   there is room
//!   (`abuse::a_full_store_refuses_pushes_loses_nothing_acknowledged_and_recovers_by_itself`,
//!   `abuse::below_the_free_disk_watermark_pushes_are_refused_and_rooms_open`).
//!   A write the database itself refuses reaches every client of the room
//!   as a `storage` error frame
//!   (`abuse::a_store_that_fails_tells_every_client_of_the_room_and_recovers_by_itself`).
//! - **Rooms left behind.** A room unchanged for
//!   [`Limits::room_expiry_days`] is deleted, its clients told 30 days
//!   ahead (`expiry::a_room_unchanged_for_370_days_is_announced_to_expire_on_day_400`,
//!   `expiry::after_400_unchanged_days_the_room_is_deleted_and_its_invite_refused`).
//! - **Reading or taking over a programme's inbox.** The public link
//!   appends, only the reader token reads, deletes and closes
//!   (`inbox::a_link_holder_cannot_read_or_delete_and_the_reader_token_reads_what_only_the_key_opens`);
//!   a stranger cannot open it again with another reader
//!   (`inbox::a_stranger_cannot_open_an_inbox_again_with_another_reader`);
//!   opening one counts as a new room and needs the creation credential
//!   when one is set
//!   (`inbox::opening_an_inbox_needs_the_creation_credential_when_one_is_set`).
//! - **Flooding an inbox.** A message is at most
//!   [`MAX_SEALED_BYTES`](tandem_sync::intake::MAX_SEALED_BYTES)
//!   (`inbox::a_message_over_the_size_limit_is_refused`), carries a proof of
//!   work (`inbox::appends_without_or_with_wrong_work_are_refused`), one
//!   address sends [`Limits::inbox_appends_per_hour`], IPv6 by /64
//!   (`inbox::an_address_appends_its_hours_messages_then_waits`), an inbox
//!   holds [`Limits::max_inbox_messages`] and [`Limits::max_inbox_bytes`]
//!   (`inbox::an_inbox_holds_no_more_messages_or_bytes_than_allowed`), and
//!   the store's quota and watermark cover inboxes
//!   (`inbox::a_full_relay_refuses_appends_and_inboxes_stay_readable`). A
//!   closed inbox takes nothing and still reads
//!   (`inbox::a_closed_inbox_refuses_appends_and_still_reads`); idle ones
//!   expire (`inbox::an_idle_inbox_expires_with_the_rooms_and_its_id_stays_taken`).
//! - **Other sites using a visitor's browser on the inbox.** CORS and the
//!   origin check (`inbox::cors_is_answered_for_allowed_origins_only`).
//!   Applications reach the disk sealed only
//!   (`inbox::the_database_file_holds_no_answer_in_plaintext`).
//! - **Killing the relay mid-write.** Nothing acknowledged is lost
//!   (`crash::a_relay_killed_at_random_moments_loses_no_acknowledged_push_and_clients_resume`).
//!
//! # Not covered here
//!
//! A flood from many addresses at once (a botnet) is bounded by the total
//! connection cap, not stopped: that is for the network in front of the
//! relay. Frames being read count against memory one per sending client
//! (up to twice the frame limit each), bounded by the connection caps.
//! A stranger who opens rooms in every shard (a room's shard follows from
//! its id, which the client chooses) and pushes large blobs into all of
//! them delays small pushes in every shard, by one large commit each at
//! most; the rationed room creation and push rate bound how many.
//!
//! [`Limits::max_bytes_before_hello`]: crate::Limits::max_bytes_before_hello
//! [`Limits::hello_timeout`]: crate::Limits::hello_timeout
//! [`Limits::connections_per_room`]: crate::Limits::connections_per_room
//! [`Limits::max_queued_bytes`]: crate::Limits::max_queued_bytes
//! [`Limits::send_timeout`]: crate::Limits::send_timeout
//! [`Limits::large_send_bytes`]: crate::Limits::large_send_bytes
//! [`Limits::max_frame_bytes`]: crate::Limits::max_frame_bytes
//! [`Limits::pushes_per_second`]: crate::Limits::pushes_per_second
//! [`Limits::new_rooms_per_hour`]: crate::Limits::new_rooms_per_hour
//! [`Limits::max_room_bytes`]: crate::Limits::max_room_bytes
//! [`Limits::max_stored_bytes`]: crate::Limits::max_stored_bytes
//! [`Limits::min_free_disk_bytes`]: crate::Limits::min_free_disk_bytes
//! [`Limits::room_expiry_days`]: crate::Limits::room_expiry_days
//! [`Limits::inbox_appends_per_hour`]: crate::Limits::inbox_appends_per_hour
//! [`Limits::max_inbox_messages`]: crate::Limits::max_inbox_messages
//! [`Limits::max_inbox_bytes`]: crate::Limits::max_inbox_bytes
//! [`ServerLimits::header_read_timeout`]: crate::ServerLimits::header_read_timeout
//! [`ServerLimits::max_connections`]: crate::ServerLimits::max_connections
//! [`ServerLimits::max_connections_per_address`]: crate::ServerLimits::max_connections_per_address
