# Tandem — English texts: what the participant's app can show (tandem page,
# privacy notice, application form, sync, storage and error messages). The
# coordinators' app reads coordinators.ftl as well. scripts/participant-texts.mjs
# checks that every text the participant's app can ask for is here.

app-name = Tandem
language-switch = Language
date-unknown = unknown

error-name-missing = Please give the programme a name.
error-name-too-long = The name is too long (at most 200 characters).
error-ends-before-start = The end is before the start. Please check the dates.
error-partner-name-missing = Please name every partner organisation or remove the empty field.
error-partner-twice = The organisation “{ $name }” is listed twice.
error-unknown-partner = This partner organisation does not exist (any more).
error-document = The programme could not be written. Please reload the page.
error-author-missing = Please enter your name.
error-date-missing = Please enter a start and an end.
error-date-invalid = “{ $value }” is not a valid date.
error-storage-unavailable = This browser does not let Tandem store data (for example in private mode). Your entries will be lost when you close it.
error-storage-full = This browser's storage is full. The change is not saved yet; please free some space.
error-storage-failed = Saving in the browser failed. The change is not saved yet.
error-damaged = A stored programme is damaged and cannot be opened.
error-not-a-programme = Stored data is not a Tandem programme.
error-too-new = A programme was saved by a newer version of Tandem. Please update Tandem.

role-mentee = Mentee
role-mentor = Mentor
role-co-mentor = Co-mentor
role-mentee-plural = Mentees
role-mentor-plural = Mentors
role-co-mentor-plural = Co-mentors
format-in-person = in person
format-online = online
format-either = in person or online
tandem-status-active = running
tandem-status-completed = completed
tandem-status-ended-early = ended early

error-text-too-long = The text is too long (at most 10,000 characters).
error-capacity-zero = A mentor takes at least one mentee.
error-person-name-missing = Please enter a name.
error-email-invalid = “{ $value }” is not a valid e-mail address.
error-phone-invalid = “{ $value }” is not a valid phone number.
error-person-twice = { $name } is already in the programme.
error-unknown-person = This person is not (or no longer) in this programme.
error-stage-not-allowed = { $name } cannot move from “{ $from }” to “{ $to }”.
error-interviewer-missing = Please enter who held the interview.
error-reason-missing = Please give a reason.
error-in-active-tandem = { $name } is in a running tandem. Please end the tandem first.
error-wrong-role = { $name } is not in the programme as { $role }.
error-not-accepted = { $name } has not been accepted yet.
error-same-person = Mentee and mentor must be two different people.
error-already-matched = { $name } is already in a running tandem.
error-mentor-full = { $name } already has { $capacity } mentee(s), as many as the programme allows.
error-same-organisation = { $mentee } and { $mentor } both work for { $organisation }. In this programme mentee and mentor come from different organisations.
error-organisation-missing = { $name } has no organisation; this programme pairs across organisations.
error-co-mentors-not-used = This programme does not use co-mentors (see the rules).
error-unknown-tandem = There is no such tandem in this programme.
error-tandem-not-active = The tandem has already ended.
error-import-empty = The file is empty.
error-import-no-name-column = The file has no column for the name. Please map a column to “Name” or to “First name”/“Last name”.
error-import-unreadable = The file cannot be read as CSV.
error-file-unreadable = The file could not be read.
error-exchange-not-a-file = This is not a Tandem exchange file.
error-exchange-too-new = The file comes from a newer version of Tandem. Please update Tandem.
error-exchange-damaged = The file is damaged or incomplete. Please ask for it again. Nothing has changed here.
error-exchange-other-programme = The file belongs to another programme (“{ $name }”). Nothing has changed here.
error-exchange-no-common-history = The file comes from a separately created programme and cannot be merged. Partner organisations join by invitation file.
error-exchange-missing-earlier = The file builds on changes missing here. Please ask for a backup (whole programme).
error-exchange-already-here = This programme is already in this browser. Merge the file in the programme under “Exchange”.
error-unknown-value = This value is not (or no longer) in dispute.
error-value-refused = A value cannot be stored ({ $value }).
error-breaks-rule = The change would break a rule of the programme ({ $rule }).
error-exchange-refused = The changes are not taken over; nothing has changed here: { $reason }
error-exchange-claims-this-device = The file holds changes in this device's name that this device never made. It is not taken over; nothing has changed here. Please ask where the file came from.

## Matching board
error-weight-too-high = A weight can be at most 10.
error-pair-excluded = A coordinator excluded this pair.
error-nothing-to-undo = This change cannot be taken back: everything it set has been changed again since.

# Working without a network
new-version-ready = A new version of Tandem is ready. It will be used the next time you open Tandem.

## Live sync through the relay
sync-local = On this device only
sync-syncing = Syncing …
sync-synced = Synced
sync-offline = { $count ->
    [0] Offline – all changes are sent
    [one] Offline – 1 change waiting
   *[other] Offline – { $count } changes waiting
}
sync-refused-not-allowed = The key does not match this room. Ask for a new invite link.
sync-refused-unsupported-protocol = The relay is older than this version of Tandem.
sync-refused-too-large = A change is larger than the relay accepts. Exchange it by file.
sync-refused-bad-frame = The relay did not understand a message.
sync-refused-invite-damaged = The stored invite link is damaged. Share the programme again.
sync-refused-room-expired = The relay deleted the room because the programme had not changed for a long time. Share the programme again.
sync-refused-other = The relay refused the connection.
share-no-randomness = The browser provides no random numbers for a key. Please use a current browser.
join-link-unreachable = The relay cannot be reached. Check the connection and try again, or ask for an invitation file.
join-link-refused = The relay refuses: { $reason }
join-link-unreadable = What the relay sent cannot be opened with this link. Ask for a new invite link.
error-event-day-missing = Please give the day of the event.
error-event-time-missing = Please give start and end as a time of day (for example 18:30).
error-hours-invalid = Please give the hours as a number (for example 2.5).
error-count-invalid = Please give the count as a whole number.
error-event-title-missing = Please give the event a title.
error-event-ends-before-start = The event ends before it starts. Please check day and time.
error-link-invalid = “{ $value }” is not a web link. Please start with https://.
error-event-capacity-zero = An event needs at least one place; leave the field empty for no limit.
error-hours-too-many = An event can count for at most 100 hours.
error-unknown-event = This event is not (or no longer) in this programme.
error-event-cancelled = The event is cancelled; attendance cannot be recorded.
error-event-full = The event is fully booked ({ $capacity } places).
error-unknown-event-kind = “{ $value }” is not a known kind of event.
error-too-many-events-required = A rule can ask for at most 100 events of a kind.
error-co-mentor-already-set = The tandem of { $name } already has a co-mentor.

## Tandem pages for mentees and mentors
page-title = Your tandem page
page-loading = Loading the tandem page …
page-link-damaged = This link is incomplete or damaged. Ask your coordinator for a new link.
page-link-empty = There is no tandem page at this link. Ask your coordinator for a new link.
page-who-am-i = Who are you?
page-choose = Please choose
page-pair = Your tandem
page-goals = Goals
page-goals-none = No goals yet.
page-goal-add = Add a goal
page-goal-text = Goal
page-goal-milestones = Milestones (separated by commas)
page-goal-submit = Save goal
page-goal-saved = The goal is saved.
page-goal-status = Status
page-milestones = Milestones: { $list }
goal-status-open = open
goal-status-in-progress = in progress
goal-status-reached = reached
goal-status-dropped = dropped
page-meetings = Meetings
page-meetings-none = No meetings yet.
page-meeting-add = Log a meeting
page-meeting-on = Date
page-meeting-minutes = Length in minutes
page-meeting-kind = Kind of meeting
page-meeting-topics = Topics
page-meeting-next = Agreed next steps
page-meeting-submit = Save meeting
page-meeting-saved = The meeting is logged.
page-date-missing = Please give the date of the meeting.
page-minutes = { $count } minutes
page-next-steps-were = Next steps: { $steps }
page-logged-by = Logged by { $name }
page-by-coordinator = the coordinators
meeting-kind-in-person = in person
meeting-kind-online = online
meeting-kind-phone = phone
meeting-kind-shadowing = shadowing at a meeting
page-events = Next programme dates
page-events-none = No dates are planned at the moment.
page-reminders = Reminders
page-next-meeting = Your next meeting is due by { $date }.
page-next-meeting-overdue = Your next meeting was due by { $date } – do arrange one soon.
page-next-meeting-none = This tandem has ended.
page-calendar-how = The calendar file puts the meetings due and the next dates into your calendar, with an alarm. After a meeting, simply download it again: it then counts from there.
page-calendar = Calendar file with reminders
page-calendar-meeting = Tandem meeting due
page-calendar-meeting-details = Time for your next tandem meeting. Afterwards, log it on your tandem page.
page-calendar-tomorrow = Tomorrow
page-contact-point = Contact point for discrimination
page-contact-point-intro = Confidential and independent of your tandem: contact them if you experience discrimination.
page-privacy = This page holds only your tandem: your names, the contact details you agreed to share, your goals and meetings. The coordinators see what you enter here. No other participant's data is stored here.
language-name-de = German
language-name-en = English
error-page-text-too-long = The text is too long.
error-page-goal-missing = Please describe the goal.
error-page-minutes-missing = Please give the length of the meeting.
error-page-unknown-meeting = This meeting no longer exists.
error-storage-blocked = Tandem is still open in an older version in another tab or window. Please close the other Tandem tabs and reload this page. Nothing is lost.

## Report: key figures, outcomes, questionnaires (evaluation)
survey-anonymous = anonymous
error-survey-title-missing = Please give the questionnaire a title.
error-survey-without-questions = A questionnaire needs at least one question.
error-too-many-questions = A questionnaire has at most 50 questions.
error-question-text-missing = Please give every question a text.
error-choice-needs-options = A choice question needs at least two options.
error-unknown-survey = This questionnaire does not exist (any more).
error-survey-has-answers = The questionnaire already has answers and cannot be removed.
error-unknown-question = This question is not part of the questionnaire.
error-answer-not-fitting = The answer does not fit the question “{ $question }”.
error-not-asked = { $name } is not asked by this questionnaire.
error-already-answered = { $name } has already answered this questionnaire.
error-post-long-before = The leadership post is dated years before the programme. Please check the date.
page-surveys-title = Questionnaires
page-surveys-shared = You share this page with your tandem: what you answer here, your tandem can read too. The programme stores anonymous questions without your name. Tell the coordinators anything confidential directly.
page-survey-send = Send answers
error-page-survey-not-offered = This questionnaire is not (any more) open for you.
error-page-answer-not-fitting = An answer does not fit its question. Please check what you entered.

## Privacy: consent, access, erasure, notice page
privacy-link = Privacy
error-retention-too-long = Please enter at most 120 months.
error-withdrawn-before-given = The withdrawal is dated before the consent. Please check the dates.
error-intake-too-large = The form or message is too large (at most { $bytes } bytes).
error-intake-damaged = The form or message is damaged.
error-intake-other-format = The form or message comes from a newer version of Tandem.
error-intake-title-missing = Please give the application form a title.
error-intake-deadline-passed = The deadline ({ $day }) has passed.
error-intake-field-required = The form must ask for “{ $field }”.
error-intake-field-twice = The form asks for “{ $field }” twice.
error-intake-no-role = Please choose at least one role one can apply for.
error-intake-secrets-malformed = The application link is not sound. Please make a new one.
error-intake-no-form = The programme has no application form.
error-intake-form-closed = The application form is closed.
error-intake-inbox-in-use = The current application link's inbox is still in use.
error-intake-no-such-inbox = The programme keeps no such inbox.
error-intake-not-asked = “{ $field }” was not asked.
error-intake-missing = “{ $field }” is missing.
error-intake-too-long = “{ $field }” is too long.
error-intake-not-one-line = “{ $field }” holds a line break or control character.
error-intake-role-not-offered = One cannot apply as “{ $role }” here.
error-intake-processing-not-given = Without consent to processing the application cannot be taken in.
error-intake-already-dealt-with = The application { $receipt } has been dealt with already ({ $outcome }).
error-intake-receipt-taken-in = The application { $receipt } has been taken in already.
error-exchange-retired-generation = The file is from an earlier version of the programme that was replaced when a person was erased. It is not merged, so that erased data cannot return. Please ask for a new file.
error-exchange-newer-generation = The file holds a newer version of this programme (after an erasure). Open it as a "whole programme" file to move over; your own changes are carried along.
error-generation-not-successor = The new version does not belong to this programme.
sync-refused-retired = This programme moved to a new room after an erasure.
sync-refused-retired-unreadable = The note about the new room cannot be read. Please ask for a new invite link.
sync-refused-retired-unreachable = The new room cannot be reached. Tandem tries again next time.
privacy-title = Privacy: what Tandem stores
privacy-intro = Tandem is the tool your mentoring programme's coordinators work with. This page says in plain words which data is kept where, who sees it, and how to ask for access or erasure.
privacy-where-title = Where your data is kept
privacy-where-text = Your details (name, contact details, organisation, goals, dates, attendance) are kept in the browsers of your programme's coordinators, on their work computers – encrypted where the browser allows it (see "Which browser can do what"). No vendor's central server collects them.
privacy-relay-title = What goes over the network
privacy-relay-text = When several coordinators work together, their browsers exchange changes through a small relay. Everything is encrypted in the browser first; the relay only sees unreadable data, never a name.
privacy-access-title = Who can read a programme
privacy-access-text = Only the devices the programme's admins have approved. An invitation works once and for 48 hours and holds no key: only when an admin approves the new device by its fingerprint does it receive the key. A removed device receives nothing new; what it already had, it keeps. A tandem page, by contrast, opens for anyone who has its personal link; when the tandem ends, the page moves and old links receive nothing new.
privacy-dpo = For data-protection officers: the trust model in full, with the tests that show each claim, is in the README, section “Trust model, in plain words”; every installation of the relay includes it (/usr/share/doc/tandem-relay/README.md).
privacy-page-title = Your tandem page
privacy-page-text = On your tandem page only you and your tandem partner see your names, the contact details you agreed to share, your goals and your meeting log. Answers to questionnaires you fill in there can be read by your tandem partner too; tell the coordinators anything confidential directly. Coordinators' notes never appear there.
privacy-who-title = Who sees what
privacy-who-text = The coordinators see everything about the programme. Your tandem partner sees only what is on the tandem page. Reports name you only with your consent.
privacy-consent-title = Consent
privacy-consent-text = What you agreed to (processing for the programme, sharing each contact detail with your tandem, photos, being named in reports) is recorded, with when and how. You can withdraw at any time.
privacy-rights-title = Access and erasure
privacy-rights-text = Ask your programme's coordinators. You receive a file with everything stored about you. On request – and at the latest after the period the programme sets – your data is erased for good, from the history too and at every coordinator.
privacy-back = To the start page
error-generation-no-common-point = This browser has no state the new version builds on. Please ask for an invitation to the new version; yours stays unchanged until then.

## Storage written afresh by another tab (after a person was forgotten)
error-storage-moved = A person was forgotten for good in another tab. Please reload this page: until then this tab still shows the old state, and changes made here are not saved.

## Browser differences (src/browser.rs)
notice-understood = Understood
eviction-notice-title = Safari deletes data after 7 days without a visit
eviction-notice-coordinator = Safari (and every browser on an iPhone) deletes a website's data when it has not been opened for seven days. To keep your programmes: add Tandem to the home screen (Share → "Add to Home Screen" or "Add to Dock") and open it from there. Also make a backup file regularly (Overview → "Back up now"); here Tandem reminds you after three days already.
eviction-notice-participant = Safari (and every browser on an iPhone) deletes a website's data when it has not been opened for seven days. Your tandem page then fetches what was synced again from your personal link. Keep the link safe, or add the page to the home screen (Share → "Add to Home Screen") – then it stays stored. Entries not yet synced (shown as "offline") are lost otherwise.
at-rest-notice-title = Data cannot be protected in this browser
at-rest-notice-coordinator = This browser gives Tandem no file storage of its own for the key under which it stores data encrypted (so in WebKitGTK, Safari before version 26, private windows, and on pages without HTTPS). Tandem therefore stores nothing for now: your entries stay in this tab only and are lost when it closes. If you store unprotected, the programmes with all personal data lie unencrypted on this device, and “Forget person” cannot make remnants on the disk unreadable. For personal data, better work in Firefox, Chrome or Edge over HTTPS.
at-rest-notice-participant = This browser gives no file storage of its own for the key under which Tandem stores data encrypted (so in Safari before version 26, private windows, and on pages without HTTPS). Tandem therefore does not store your tandem page for now: it stays in this tab only. If you store unprotected, it lies unencrypted on this device. Over the network it still travels only encrypted.
privacy-browsers-title = Which browser can do what
privacy-browsers-text = In Firefox, Chrome and Edge and in Safari from version 26, Tandem encrypts everything it stores in the browser with a key in a file of its own; when a person is forgotten, that key is deleted, and remnants of the old data can no longer be read. Safari before version 26, private windows and WebKitGTK offer no place for it: there Tandem stores nothing until the user, told what it means, expressly chooses to store unprotected; until then everything stays in the open tab only. Safari deletes a website's data after seven days without a visit unless it is on the home screen; the tandem page then fetches what was synced again from the personal link.

error-storage-unprotected = This browser cannot store the data protected, and storing unprotected has not been chosen. The change stays in this tab only and is lost when it closes.
at-rest-store-anyway = Store unprotected on this device anyway
at-rest-memory-only = Keep in this tab only
sync-refused-retired-asking = A new version is waiting for your decision.
sync-refused-retired-foreign = The notice of a new room does not lead to a new version of this programme. It was not followed; everything here stays as it is.
sync-refused-page-link-revoked = This link no longer works: your coordinator revoked it. The page shows what it had until then. Please ask for a new link.
page-link-revoked = This link is no longer valid: your coordinator revoked it. Please ask for a new link.
page-link-lost = The page has moved too often to follow it from this link. Please ask for a new link.
page-link-gone = For security, your personal link is no longer in the address. Please open it again, for example from your e-mail.

## Who may read and change a programme: devices, approval, removal
sync-refused-not-member = This device is not (or no longer) a member of the programme: an admin removed it, or the invitation does not hold. What this device already had stays here; nothing new arrives.
sync-refused-needs-admin = Only an admin's device of the programme may do that.
sync-refused-bad-signature = A signature does not match this device. The relay refused the change.
sync-refused-access-refused = The invitation is already used, expired, or not for this programme. Ask for a new invitation.
sync-refused-stale-epoch = The programme has a new key meanwhile, which this device does not hold.
sync-refused-declined = An admin of the programme declined this device's request to join. The device received nothing of the programme. If that was a mistake, ask for a new invitation.

## Applying by link (application form, set-up, incoming)
apply-title = Application
apply-link-broken = This application link is incomplete. Please open it again exactly as you received it.
apply-loading = Loading the form …
apply-offline-first = You are offline. Open the link once with an internet connection; after that you can fill in the form offline too.
apply-form-damaged = The form cannot be shown. Please contact the programme.
apply-closed = This programme no longer takes applications through this link. Feel free to ask the programme whether there is a new one.
apply-deadline = Deadline: { $day }
apply-draft-here = Your answers stay on this device until you send them. Then they are encrypted so that only the programme's coordinators can read them.
apply-role = I am applying as
apply-consents = Consent
apply-send = Send application
apply-list-hint = Separate several entries with commas.
apply-organisation-none = None of these
apply-format-none = No preference given
apply-field-name = Name
apply-field-salutation = Salutation
apply-field-organisation = Organisation
apply-field-department = Department
apply-field-position = Position
apply-field-email = E-mail
apply-field-phone = Phone
apply-field-topics = Topics
apply-field-goal = Goal
apply-field-motivation = Motivation
apply-field-availability = Availability
apply-field-format = Meetings
apply-field-languages = Languages
apply-field-location = Location
apply-field-role = Role
apply-waiting = Your application is encrypted and waiting on this device. It will be sent as soon as you are online again – you can leave the page open.
apply-sent = Thank you! Your application has arrived.
apply-withdrawn = Your application is being withdrawn. The programme will see it when it next checks.
apply-receipt = Your code:
apply-receipt-keep = Keep this code: with it you can withdraw your application.
apply-receipt-unknown = That is not a code this form gives out (e.g. K7QF-9M2D).
apply-seal-failed = This device cannot encrypt the application. Please try a current browser.
apply-privacy-title = Privacy
apply-contact = Contact:
apply-withdraw-title = Withdraw an application
apply-withdraw = Withdraw
inbox-offline = No connection to the server. It will be tried again automatically.
inbox-no-such = The server does not know this application link (any more).
inbox-closed = This link no longer takes applications.
inbox-too-many = Too many applications came from this network in the last hour. It will be tried again later automatically.
inbox-needs-code = The server opens new application links only with its operator's access code. Enter it under "The server asks for an access code?".
sync-refused-too-many-rooms = The relay opens no new programme right now: too many new ones came from this network, or its operator asks for an access code (under "Share the programme" → "The server asks for an access code?").
inbox-full = The programme's inbox is full. It will be tried again later automatically.
inbox-not-yours = The server refused access to this inbox.
inbox-refused = The server refused the request.
apply-privacy-default = Your details are used only to select participants for and run this mentoring programme, and are read only by its coordinators. You can withdraw your consent and ask what is stored about you at any time.
apply-privacy-link = What Tandem stores where
