//! Applying by link: the published form, what applicants send, and taking
//! applications in, declining them and hearing of their withdrawal.

mod common;

use common::{day, Cohort};
use proptest::prelude::*;
use tandem_core::{
    invariants, review_incoming, ApplicationAnswers, ApplicationForm, AskedField, Author, Command,
    CommandError, ConsentWay, Contents, FormLanguage, GivenConsents, IncomingMessage,
    IncomingVerdict, IntakeError, IntakeForm, IntakeMessage, IntakeSecrets, Invariant,
    PersonDetails, PersonId, ProgrammeDocument, PublicIntakeForm, Receipt, ReceiptOutcome, Role,
    Settle, Stage, MAX_PUBLIC_FORM_BYTES,
};

fn secrets(seed: u8) -> IntakeSecrets {
    IntakeSecrets::new(
        [seed; 16],
        [seed.wrapping_add(1); 32],
        [seed.wrapping_add(2); 32],
    )
}

fn form() -> IntakeForm {
    let mut form = IntakeForm::new("Bewerbung Mentoring 2026", day("2026-03-31"), secrets(1));
    form.fields = vec![
        AskedField::Name,
        AskedField::Email,
        AskedField::Organisation,
        AskedField::Phone,
        AskedField::Goal,
    ];
    form
}

/// The Düsseldorf–Köln cohort with the form published.
fn published() -> Cohort {
    let mut cohort = Cohort::new();
    cohort
        .apply(Command::PublishIntakeForm {
            form: form(),
            today: day("2026-01-05"),
        })
        .expect("the form is sound");
    cohort
}

fn receipt(seed: u8) -> Receipt {
    Receipt::from_random([seed, 7, 3, 9, 1, 0, 0, 0])
}

fn application(cohort: &Cohort, seed: u8, name: &str, email: &str) -> ApplicationForm {
    ApplicationForm {
        receipt: receipt(seed),
        role: Role::Mentee,
        answers: ApplicationAnswers {
            name: Some(name.into()),
            email: Some(email.into()),
            organisation: Some(cohort.koeln),
            phone: Some("0221 123456".into()),
            goal: Some("Eine Führungsposition im Amt".into()),
            ..ApplicationAnswers::default()
        },
        consents: GivenConsents {
            processing: true,
            share_contact: true,
            named_in_reports: false,
        },
        language: FormLanguage::De,
        sent_on: day("2026-01-12"),
    }
}

fn message(form: ApplicationForm) -> IntakeMessage {
    IntakeMessage::Application(Box::new(form))
}

fn incoming(seq: u64, message: IntakeMessage) -> IncomingMessage {
    IncomingMessage {
        seq,
        received_on: day("2026-01-13"),
        message,
    }
}

fn person_with(cohort: &Cohort, receipt: Receipt) -> PersonId {
    tandem_core::person_with_receipt(cohort.document.programme(), receipt)
        .expect("someone carries the receipt")
}

// The public form.

#[test]
fn the_public_form_reads_back_as_written_and_carries_no_secret() {
    let cohort = published();
    let public = PublicIntakeForm::of(cohort.document.programme()).unwrap();
    let bytes = public.to_bytes().unwrap();
    assert_eq!(PublicIntakeForm::from_bytes(&bytes).unwrap(), public);
    assert_eq!(public.organisations.len(), 2, "the partners to choose from");
    let text = String::from_utf8(bytes).unwrap();
    let secrets = &cohort.document.programme().intake.as_ref().unwrap().secrets;
    for secret in [&secrets.key_secret, &secrets.reader, &secrets.inbox] {
        assert!(
            !text.contains(secret.as_str()),
            "{secret} is in the public form"
        );
    }
    assert!(text.contains("Ich willige ein"), "the German consent text");
    assert!(text.contains("I agree"), "the English consent text");
}

#[test]
fn a_public_form_too_large_damaged_or_newer_is_refused() {
    let cohort = published();
    let public = PublicIntakeForm::of(cohort.document.programme()).unwrap();
    let mut large = public.clone();
    large.privacy_notice.de = "Datenschutz. ".repeat(1_500);
    assert_eq!(
        large.to_bytes(),
        Err(IntakeError::TooLarge(MAX_PUBLIC_FORM_BYTES))
    );
    let padded = format!("{{\"format\":1,{}}}", " ".repeat(MAX_PUBLIC_FORM_BYTES));
    assert_eq!(
        PublicIntakeForm::from_bytes(padded.as_bytes()),
        Err(IntakeError::TooLarge(MAX_PUBLIC_FORM_BYTES))
    );
    assert_eq!(
        PublicIntakeForm::from_bytes(b"\xff\x00not json"),
        Err(IntakeError::Damaged)
    );
    let text = String::from_utf8(public.to_bytes().unwrap()).unwrap();
    let newer = text.replacen("\"format\":1", "\"format\":2", 1);
    assert_eq!(
        PublicIntakeForm::from_bytes(newer.as_bytes()),
        Err(IntakeError::OtherFormat)
    );
    let smuggled = text.replacen("{", "{\"key_secret\":\"00\",", 1);
    assert_eq!(
        PublicIntakeForm::from_bytes(smuggled.as_bytes()),
        Err(IntakeError::Damaged)
    );
    let mut hostile = public.clone();
    hostile.title = "Bewerbung\r\nBcc: alle@example.org".into();
    let read = PublicIntakeForm::from_bytes(&hostile.to_bytes().unwrap()).unwrap();
    assert_eq!(read.title, "Bewerbung Bcc: alle@example.org", "one line");
    hostile.title = "Bewerbung\u{0}".into();
    assert_eq!(
        PublicIntakeForm::from_bytes(&hostile.to_bytes().unwrap()),
        Err(IntakeError::NotOneLine("title"))
    );
}

// What an applicant sends.

#[test]
fn an_application_and_a_withdrawal_read_back_as_written() {
    let cohort = published();
    let sent = message(application(&cohort, 1, "Jana Exempel", "jana@example.org"));
    let bytes = sent.to_bytes().unwrap();
    assert_eq!(IntakeMessage::from_bytes(&bytes).unwrap(), sent);
    let withdrawal = IntakeMessage::Withdrawal {
        receipt: receipt(1),
    };
    assert_eq!(
        IntakeMessage::from_bytes(&withdrawal.to_bytes().unwrap()).unwrap(),
        withdrawal
    );
}

#[test]
fn a_receipt_is_a_short_code_read_back_however_it_is_typed() {
    let code = receipt(1);
    let text = code.to_string();
    assert_eq!(text.len(), 9);
    assert_eq!(&text[4..5], "-");
    assert_eq!(Receipt::parse(&text.to_lowercase()), Some(code));
    assert_eq!(Receipt::parse(&text.replace('-', " ")), Some(code));
    assert_eq!(Receipt::parse("K7QF-9M2"), None);
    assert_eq!(Receipt::parse("K7QF-9M2DX"), None);
    assert_eq!(Receipt::parse("K7QF-9M2Ü"), None);
    assert_ne!(receipt(1), receipt(2));
}

#[test]
fn values_in_an_application_are_cleaned_or_refused_like_typed_ones() {
    let cohort = published();
    let send = |application: ApplicationForm| {
        IntakeMessage::from_bytes(&message(application).to_bytes().unwrap())
    };
    let mut tidy = application(&cohort, 1, "  Jana\r\n Exempel ", "jana@example.org");
    tidy.answers.goal = Some("  Führung\r\nübernehmen  ".into());
    let Ok(IntakeMessage::Application(read)) = send(tidy) else {
        panic!("a tidy-able application is read");
    };
    assert_eq!(read.answers.name.as_deref(), Some("Jana Exempel"));
    assert_eq!(read.answers.goal.as_deref(), Some("Führung\nübernehmen"));

    let mut header = application(&cohort, 1, "Jana\u{7}Exempel", "jana@example.org");
    assert_eq!(send(header.clone()), Err(IntakeError::NotOneLine("name")));
    header.answers.name = Some("Jana".into());
    header.answers.email = Some("jana@example.org\r\nBcc: alle@example.org".into());
    assert!(matches!(send(header), Err(IntakeError::EmailInvalid(_))));

    let no_mail = application(&cohort, 1, "Jana", "");
    assert_eq!(send(no_mail), Err(IntakeError::Missing("email")));
    let bad_phone = ApplicationForm {
        answers: ApplicationAnswers {
            phone: Some("ruf mich an".into()),
            ..application(&cohort, 1, "Jana", "jana@example.org").answers
        },
        ..application(&cohort, 1, "Jana", "jana@example.org")
    };
    assert!(matches!(send(bad_phone), Err(IntakeError::PhoneInvalid(_))));
    let long = application(&cohort, 1, &"J".repeat(5_000), "jana@example.org");
    assert_eq!(send(long), Err(IntakeError::TooLong("name")));
}

#[test]
fn an_application_with_an_unknown_field_or_a_newer_version_is_refused() {
    let cohort = published();
    let text = String::from_utf8(
        message(application(&cohort, 1, "Jana", "jana@example.org"))
            .to_bytes()
            .unwrap(),
    )
    .unwrap();
    let unknown = text.replacen("\"name\":", "\"salary\":\"viel\",\"name\":", 1);
    assert_eq!(
        IntakeMessage::from_bytes(unknown.as_bytes()),
        Err(IntakeError::Damaged)
    );
    let newer = text.replacen("\"format\":1", "\"format\":7", 1);
    assert_eq!(
        IntakeMessage::from_bytes(newer.as_bytes()),
        Err(IntakeError::OtherFormat)
    );
    let huge = format!("{{\"format\":1,\"x\":\"{}\"}}", "a".repeat(100_000));
    assert!(matches!(
        IntakeMessage::from_bytes(huge.as_bytes()),
        Err(IntakeError::TooLarge(_))
    ));
}

#[test]
fn an_application_must_fit_the_form_it_answers() {
    let cohort = published();
    let public = PublicIntakeForm::of(cohort.document.programme()).unwrap();
    let fits = application(&cohort, 1, "Jana", "jana@example.org");
    assert_eq!(fits.check_against(&public), Ok(()));
    let mut extra = fits.clone();
    extra.answers.position = Some("Sachbearbeiterin".into());
    assert_eq!(
        extra.check_against(&public),
        Err(IntakeError::NotAsked("position"))
    );
    let mut co = fits.clone();
    co.role = Role::CoMentor;
    assert_eq!(
        co.check_against(&public),
        Err(IntakeError::RoleNotOffered("co-mentor"))
    );
    let mut elsewhere = fits.clone();
    elsewhere.answers.organisation = Some(tandem_core::PartnerId::random());
    assert_eq!(
        elsewhere.check_against(&public),
        Err(IntakeError::UnknownOrganisation)
    );
    let mut no_consent = fits;
    no_consent.consents.processing = false;
    assert_eq!(
        no_consent.check_against(&public),
        Err(IntakeError::ProcessingNotGiven)
    );
}

proptest! {
    #[test]
    fn random_bytes_never_panic_the_readers(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = IntakeMessage::from_bytes(&bytes);
        let _ = PublicIntakeForm::from_bytes(&bytes);
    }

    #[test]
    fn random_json_shaped_text_never_panics_the_readers(
        text in "\\{\"format\":1,\"message\":\\{\"application\":\\{[\"a-z:,{}\\[\\]0-9 \\\\-]{0,300}",
    ) {
        let _ = IntakeMessage::from_bytes(text.as_bytes());
        let _ = PublicIntakeForm::from_bytes(text.as_bytes());
    }
}

// Publishing and the link.

#[test]
fn a_form_is_published_only_with_a_title_a_future_deadline_name_and_email() {
    let mut cohort = Cohort::new();
    let mut refused = |form: IntakeForm| {
        cohort
            .apply(Command::PublishIntakeForm {
                form,
                today: day("2026-01-05"),
            })
            .unwrap_err()
    };
    let mut untitled = form();
    untitled.title = "  ".into();
    assert_eq!(refused(untitled), IntakeError::TitleMissing.into());
    let mut late = form();
    late.deadline = day("2026-01-04");
    assert_eq!(
        refused(late),
        IntakeError::DeadlinePassed(day("2026-01-04")).into()
    );
    let mut nameless = form();
    nameless.fields.retain(|field| *field != AskedField::Email);
    assert_eq!(
        refused(nameless),
        IntakeError::FieldRequired("email").into()
    );
    let mut roleless = form();
    roleless.roles.clear();
    assert_eq!(refused(roleless), IntakeError::NoRole.into());
    let mut broken = form();
    broken.secrets.key_secret = "nicht hex".into();
    assert_eq!(refused(broken), IntakeError::SecretsMalformed.into());
    assert!(cohort.document.programme().intake.is_none());
}

#[test]
fn renewing_the_link_keeps_the_closed_inbox_listed_to_drain_it() {
    let mut cohort = published();
    let first = secrets(1).inbox;
    cohort
        .apply(Command::RenewIntakeLink {
            inbox: [9; 16],
            key_secret: [10; 32],
            reader: [11; 32],
            on: day("2026-02-01"),
        })
        .unwrap();
    let form = cohort.document.programme().intake.clone().unwrap();
    assert_eq!(form.generation, 1);
    assert_eq!(form.secrets.inbox_bytes(), Some([9; 16]));
    assert_eq!(form.closed_inboxes.get(&first), Some(&day("2026-02-01")));
    // Renewing once more keeps both earlier inboxes.
    cohort
        .apply(Command::RenewIntakeLink {
            inbox: [12; 16],
            key_secret: [13; 32],
            reader: [14; 32],
            on: day("2026-02-10"),
        })
        .unwrap();
    let form = cohort.document.programme().intake.clone().unwrap();
    assert_eq!(form.closed_inboxes.len(), 2);
    // The list survives storing and opening the programme.
    let reopened = ProgrammeDocument::load(&cohort.document.save()).unwrap();
    assert_eq!(reopened.programme().intake.as_ref(), Some(&form));
    // An inbox used before is not used again.
    assert_eq!(
        cohort.apply(Command::RenewIntakeLink {
            inbox: [9; 16],
            key_secret: [1; 32],
            reader: [1; 32],
            on: day("2026-02-11"),
        }),
        Err(IntakeError::SecretsMalformed.into())
    );
    cohort
        .apply(Command::CloseIntakeForm {
            on: day("2026-02-12"),
        })
        .unwrap();
    assert!(!cohort
        .document
        .programme()
        .intake
        .as_ref()
        .unwrap()
        .is_open(day("2026-02-12")));
}

#[test]
fn an_earlier_inbox_keeps_its_keys_until_it_is_drained_and_forgotten() {
    let mut cohort = published();
    let first = secrets(1);
    cohort
        .apply(Command::RenewIntakeLink {
            inbox: [9; 16],
            key_secret: [10; 32],
            reader: [11; 32],
            on: day("2026-02-01"),
        })
        .unwrap();
    let form = cohort.document.programme().intake.clone().unwrap();
    // What came in by the old link can still be read and opened.
    assert_eq!(form.draining(), vec![first.clone()]);
    // The current inbox is not forgotten, nor one the programme never had.
    assert_eq!(
        cohort.apply(Command::ForgetDrainedInbox {
            inbox: [9; 16],
            on: day("2026-02-02"),
        }),
        Err(IntakeError::InboxInUse.into())
    );
    assert_eq!(
        cohort.apply(Command::ForgetDrainedInbox {
            inbox: [3; 16],
            on: day("2026-02-02"),
        }),
        Err(IntakeError::NoSuchInbox.into())
    );
    cohort
        .apply(Command::ForgetDrainedInbox {
            inbox: [1; 16],
            on: day("2026-02-02"),
        })
        .unwrap();
    let form = cohort.document.programme().intake.clone().unwrap();
    assert_eq!(form.draining(), vec![]);
    assert!(
        form.closed_inboxes.contains_key(&first.inbox),
        "still never used again"
    );
    assert_eq!(form.secrets.inbox_bytes(), Some([9; 16]));
}

#[test]
fn two_links_renewed_apart_are_both_kept_and_the_one_not_current_is_drained() {
    let mut cohort = published();
    let mut koeln = cohort.document.fork_as(b"koeln-device");
    cohort
        .apply(Command::RenewIntakeLink {
            inbox: [20; 16],
            key_secret: [21; 32],
            reader: [22; 32],
            on: day("2026-02-01"),
        })
        .unwrap();
    koeln
        .apply(
            &Author::new("Karla Köln"),
            1_770_000_100,
            Command::RenewIntakeLink {
                inbox: [30; 16],
                key_secret: [31; 32],
                reader: [32; 32],
                on: day("2026-02-01"),
            },
        )
        .unwrap();
    send(&koeln, &mut cohort.document);
    send(&cohort.document, &mut koeln);
    let form = cohort.document.programme().intake.clone().unwrap();
    assert_eq!(koeln.programme().intake.as_ref(), Some(&form));
    let current = form.secrets.inbox.clone();
    let other = if current == secrets(20).inbox {
        "1e".repeat(16)
    } else {
        "14".repeat(16)
    };
    let draining: Vec<String> = form
        .draining()
        .into_iter()
        .map(|secrets| secrets.inbox)
        .collect();
    // The first link and the renewal that lost the merge are both still
    // read: no application sent to either is lost.
    assert_eq!(draining, vec![secrets(1).inbox, other]);
    assert!(form.draining().iter().all(IntakeSecrets::are_well_formed));
}

// Taking applications in.

#[test]
fn taking_an_application_in_makes_an_applicant_with_consent_from_the_day_of_application() {
    let mut cohort = published();
    let sent = application(&cohort, 1, "Jana Exempel", "jana@example.org");
    cohort
        .apply(Command::TakeInApplication {
            id: PersonId::random(),
            application: sent.clone(),
            received_on: day("2026-01-13"),
        })
        .unwrap();
    let id = person_with(&cohort, sent.receipt);
    let programme = cohort.document.programme();
    let person = &programme.people[&id];
    assert_eq!(person.application.stage, Stage::Applied);
    assert_eq!(person.application.applied_on, Some(day("2026-01-12")));
    assert_eq!(person.details.name, "Jana Exempel");
    assert_eq!(person.details.organisation, Some(cohort.koeln));
    assert!(person.details.shared_with_tandem.email);
    assert!(person.details.shared_with_tandem.phone);
    assert!(!person.details.shared_with_tandem.position, "not given");
    let consent = &programme.consents[&id];
    assert!(consent.processing && !consent.named_in_reports && !consent.photos);
    assert_eq!(consent.way, ConsentWay::OnlineForm);
    assert_eq!(consent.given_on, day("2026-01-12"));
    assert_eq!(consent.recorded_by, "Petra Probe");
    assert_eq!(
        programme.intake_receipts[&sent.receipt].outcome,
        ReceiptOutcome::TakenIn
    );
    let history = cohort.document.history_of(&id.to_string());
    assert!(history
        .iter()
        .any(|note| note.command == "take-in-application"));
    assert_eq!(invariants(programme), vec![]);
}

#[test]
fn a_phone_clock_far_off_does_not_date_the_application() {
    let mut cohort = published();
    let mut sent = application(&cohort, 1, "Jana Exempel", "jana@example.org");
    sent.sent_on = day("2031-01-01");
    cohort
        .apply(Command::TakeInApplication {
            id: PersonId::random(),
            application: sent.clone(),
            received_on: day("2026-01-13"),
        })
        .unwrap();
    let id = person_with(&cohort, sent.receipt);
    assert_eq!(
        cohort.document.programme().people[&id]
            .application
            .applied_on,
        Some(day("2026-01-13"))
    );
}

#[test]
fn a_receipt_taken_in_once_is_refused_the_second_time() {
    let mut cohort = published();
    let sent = application(&cohort, 1, "Jana Exempel", "jana@example.org");
    let take_in = |application: ApplicationForm| Command::TakeInApplication {
        id: PersonId::random(),
        application,
        received_on: day("2026-01-13"),
    };
    cohort.apply(take_in(sent.clone())).unwrap();
    // The same receipt, even with other details.
    let mut again = sent.clone();
    again.answers.email = Some("jana.neu@example.org".into());
    let before = cohort.document.heads();
    assert_eq!(
        cohort.apply(take_in(again)),
        Err(IntakeError::ReceiptTakenIn(sent.receipt.to_string()).into())
    );
    assert_eq!(
        cohort.apply(Command::DeclineApplication {
            receipt: sent.receipt,
            on: day("2026-01-14"),
        }),
        Err(IntakeError::ReceiptTakenIn(sent.receipt.to_string()).into())
    );
    assert_eq!(cohort.document.heads(), before, "a refusal leaves no trace");
    assert_eq!(cohort.document.programme().people.len(), 1);
}

#[test]
fn an_application_without_consent_to_processing_is_not_taken_in() {
    let mut cohort = published();
    let mut sent = application(&cohort, 1, "Jana Exempel", "jana@example.org");
    sent.consents.processing = false;
    assert_eq!(
        cohort.apply(Command::TakeInApplication {
            id: PersonId::random(),
            application: sent,
            received_on: day("2026-01-13"),
        }),
        Err(IntakeError::ProcessingNotGiven.into())
    );
}

#[test]
fn the_review_flags_the_same_person_in_the_programme_and_in_the_inbox() {
    let mut cohort = published();
    let known = cohort.applicant("Miriam Beispiel", Role::Mentee, cohort.koeln);
    cohort
        .apply(Command::UpdatePerson {
            id: known,
            details: PersonDetails {
                email: "miriam@example.org".into(),
                ..cohort.document.programme().people[&known].details.clone()
            },
        })
        .unwrap();
    let messages = vec![
        incoming(
            1,
            message(application(&cohort, 1, "Miriam B.", "MIRIAM@Example.org")),
        ),
        incoming(
            2,
            message(application(&cohort, 2, "Jana Exempel", "jana@example.org")),
        ),
        incoming(
            3,
            message(application(&cohort, 3, "Jana E.", "Jana@example.org")),
        ),
        incoming(
            4,
            message(application(&cohort, 4, "Miriam Beispiel", "mb@example.org")),
        ),
        // The same message twice (the applicant pressed send again).
        incoming(
            5,
            message(application(&cohort, 2, "Jana Exempel", "jana@example.org")),
        ),
    ];
    let verdicts: Vec<(u64, IncomingVerdict)> =
        review_incoming(cohort.document.programme(), &messages)
            .into_iter()
            .map(|review| (review.seq, review.verdict))
            .collect();
    assert_eq!(
        verdicts,
        vec![
            (1, IncomingVerdict::SamePersonAs(known)),
            (2, IncomingVerdict::New),
            (3, IncomingVerdict::SameAsIncoming(2)),
            // Same name and organisation as someone in the programme.
            (4, IncomingVerdict::SamePersonAs(known)),
            (5, IncomingVerdict::SameAsIncoming(2)),
        ]
    );
}

#[test]
fn the_review_knows_what_the_programme_has_dealt_with_and_what_was_withdrawn() {
    let mut cohort = published();
    let taken = application(&cohort, 1, "Jana Exempel", "jana@example.org");
    cohort
        .apply(Command::TakeInApplication {
            id: PersonId::random(),
            application: taken.clone(),
            received_on: day("2026-01-13"),
        })
        .unwrap();
    let declined = application(&cohort, 2, "Dora Dritte", "dora@example.org");
    cohort
        .apply(Command::DeclineApplication {
            receipt: declined.receipt,
            on: day("2026-01-14"),
        })
        .unwrap();
    let withdrawn = application(&cohort, 3, "Wanda Weg", "wanda@example.org");
    let messages = vec![
        incoming(1, message(taken.clone())),
        incoming(2, message(declined.clone())),
        incoming(3, message(withdrawn.clone())),
        incoming(
            4,
            IntakeMessage::Withdrawal {
                receipt: withdrawn.receipt,
            },
        ),
    ];
    let reviews = review_incoming(cohort.document.programme(), &messages);
    assert_eq!(reviews.len(), 3, "withdrawals are not reviewed themselves");
    assert_eq!(
        reviews[0].verdict,
        IncomingVerdict::AlreadyDealtWith {
            outcome: ReceiptOutcome::TakenIn,
            person: Some(person_with(&cohort, taken.receipt)),
        }
    );
    assert_eq!(
        reviews[1].verdict,
        IncomingVerdict::AlreadyDealtWith {
            outcome: ReceiptOutcome::Declined,
            person: None,
        }
    );
    assert_eq!(reviews[2].verdict, IncomingVerdict::Withdrawn { by: 4 });
}

#[test]
fn a_withdrawal_before_taking_in_keeps_only_the_mark() {
    let mut cohort = published();
    let sent = application(&cohort, 1, "Jana Exempel", "jana@example.org");
    cohort
        .apply(Command::RecordApplicationWithdrawn {
            receipt: sent.receipt,
            on: day("2026-01-15"),
        })
        .unwrap();
    let programme = cohort.document.programme();
    assert!(programme.people.is_empty());
    assert_eq!(
        programme.intake_receipts[&sent.receipt].outcome,
        ReceiptOutcome::Withdrawn
    );
    assert!(matches!(
        cohort.apply(Command::TakeInApplication {
            id: PersonId::random(),
            application: sent,
            received_on: day("2026-01-13"),
        }),
        Err(CommandError::Intake(IntakeError::AlreadyDealtWith(
            _,
            "withdrawn"
        )))
    ));
}

#[test]
fn a_withdrawal_after_taking_in_withdraws_the_application_and_the_consent() {
    let mut cohort = published();
    let sent = application(&cohort, 1, "Jana Exempel", "jana@example.org");
    cohort
        .apply(Command::TakeInApplication {
            id: PersonId::random(),
            application: sent.clone(),
            received_on: day("2026-01-13"),
        })
        .unwrap();
    let id = person_with(&cohort, sent.receipt);
    cohort
        .apply(Command::RecordApplicationWithdrawn {
            receipt: sent.receipt,
            on: day("2026-01-20"),
        })
        .unwrap();
    let programme = cohort.document.programme();
    let application = &programme.people[&id].application;
    assert_eq!(application.stage, Stage::Withdrawn);
    let withdrawal = application.withdrawal.as_ref().unwrap();
    assert_eq!(
        (withdrawal.on, withdrawal.from),
        (day("2026-01-20"), Stage::Applied)
    );
    assert_eq!(
        programme.consents[&id].withdrawn_on,
        Some(day("2026-01-20"))
    );
    assert!(!tandem_core::may_be_processed(programme, id));
    assert_eq!(
        programme.intake_receipts[&sent.receipt].outcome,
        ReceiptOutcome::Withdrawn
    );
    // The person's own history says so, not only the programme's.
    let history = cohort.document.history_of(&id.to_string());
    assert!(history
        .iter()
        .any(|note| note.command == "record-application-withdrawn"));
    assert_eq!(invariants(programme), vec![]);
}

#[test]
fn declining_an_application_keeps_nothing_personal_in_the_programme() {
    let mut cohort = published();
    let declined = application(
        &cohort,
        1,
        "Dorothea Unverwechselbar",
        "dorothea@example.org",
    );
    cohort
        .apply(Command::DeclineApplication {
            receipt: declined.receipt,
            on: day("2026-01-14"),
        })
        .unwrap();
    // Someone taken in shows up where we look: the search can find a name.
    let taken = application(&cohort, 2, "Jana Exempel", "jana@example.org");
    cohort
        .apply(Command::TakeInApplication {
            id: PersonId::random(),
            application: taken,
            received_on: day("2026-01-13"),
        })
        .unwrap();
    let reopened = ProgrammeDocument::load(&cohort.document.save()).unwrap();
    let json = serde_json::to_string(reopened.programme()).unwrap();
    let history = serde_json::to_string(&reopened.history()).unwrap();
    assert!(json.contains("Jana Exempel"));
    for trace in ["Dorothea", "dorothea@example.org", "Unverwechselbar"] {
        assert!(!json.contains(trace), "{trace} is in the programme");
        assert!(!history.contains(trace), "{trace} is in the history");
    }
    let saved = cohort.document.save();
    assert!(!saved.windows(9).any(|window| window == b"Dorothea "));
    assert_eq!(
        reopened.programme().intake_receipts[&declined.receipt].outcome,
        ReceiptOutcome::Declined
    );
}

// Two coordinators apart.

fn send(from: &ProgrammeDocument, to: &mut ProgrammeDocument) {
    let file = from.export("", 0, Contents::Changes, &to.heads());
    let preview = to.preview(&file).expect("the partner's changes are sound");
    to.merge(preview).unwrap();
}

#[test]
fn one_application_taken_in_on_two_sides_is_a_conflict_settled_by_withdrawing_one() {
    let mut cohort = published();
    let mut koeln = cohort.document.fork_as(b"koeln-device");
    let karla = Author::new("Karla Köln");
    let sent = application(&cohort, 1, "Jana Exempel", "jana@example.org");
    let ours = PersonId::random();
    let theirs = PersonId::random();
    cohort
        .apply(Command::TakeInApplication {
            id: ours,
            application: sent.clone(),
            received_on: day("2026-01-13"),
        })
        .unwrap();
    koeln
        .apply(
            &karla,
            1_770_000_100,
            Command::TakeInApplication {
                id: theirs,
                application: sent.clone(),
                received_on: day("2026-01-13"),
            },
        )
        .unwrap();
    send(&koeln, &mut cohort.document);
    send(&cohort.document, &mut koeln);
    let mut expected = vec![ours, theirs];
    expected.sort();
    for replica in [&cohort.document, &koeln] {
        let violation = invariants(replica.programme())
            .into_iter()
            .find(|violation| violation.invariant == Invariant::ReceiptOnce)
            .expect("one receipt, two people is listed");
        assert_eq!(violation.people, expected);
        assert!(violation
            .settle
            .contains(&Settle::WithdrawDuplicate(theirs)));
        assert!(replica.conflicts().iter().any(|conflict| conflict
            .violation()
            .is_some_and(|v| v.invariant == Invariant::ReceiptOnce)));
    }
    let settle = Settle::WithdrawDuplicate(theirs)
        .command(koeln.programme(), day("2026-01-20"), "Doppelt übernommen")
        .unwrap();
    koeln.apply(&karla, 1_770_000_200, settle).unwrap();
    send(&koeln, &mut cohort.document);
    for replica in [&cohort.document, &koeln] {
        assert_eq!(invariants(replica.programme()), vec![]);
    }
}

#[test]
fn the_report_counts_applications_by_link_by_what_became_of_them() {
    use std::collections::BTreeMap;
    use tandem_core::{Report, ReportFilter};
    let mut cohort = published();
    for seed in 1..=2 {
        let sent = application(
            &cohort,
            seed,
            &format!("Person {seed}"),
            &format!("p{seed}@example.org"),
        );
        cohort
            .apply(Command::TakeInApplication {
                id: PersonId::random(),
                application: sent,
                received_on: day("2026-01-13"),
            })
            .unwrap();
    }
    cohort
        .apply(Command::DeclineApplication {
            receipt: receipt(3),
            on: day("2026-01-14"),
        })
        .unwrap();
    cohort
        .apply(Command::RecordApplicationWithdrawn {
            receipt: receipt(4),
            on: day("2026-01-14"),
        })
        .unwrap();
    let programme = cohort.document.programme();
    let everyone = Report::of(programme, &ReportFilter::default(), &BTreeMap::new());
    assert_eq!(
        everyone.applications_by_link,
        BTreeMap::from([
            (ReceiptOutcome::TakenIn, 2),
            (ReceiptOutcome::Declined, 1),
            (ReceiptOutcome::Withdrawn, 1),
        ])
    );
    let tables = everyone.tables(None, |term| term.to_string());
    assert!(tables
        .iter()
        .any(|table| table.id == "applications-by-link"));
    let koeln = ReportFilter {
        organisation: Some("Stadt Köln".into()),
    };
    let report = Report::of(programme, &koeln, &BTreeMap::new());
    assert_eq!(
        report.applications_by_link,
        BTreeMap::from([(ReceiptOutcome::TakenIn, 2)]),
        "declined and withdrawn ones belong to no organisation"
    );
}
