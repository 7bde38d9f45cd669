# Tandem — English texts

app-name = Tandem
app-tagline = Running mentoring programmes together
skip-to-content = Skip to content
language-switch = Language
nav-programmes = Programmes

programmes-title = Programmes
programmes-intro = All programmes stored in this browser. The data stays on this device.
programmes-loading = Loading programmes …
programmes-empty = No programme yet. Create your first programme below.
programmes-count = { $count ->
    [one] { $count } programme
   *[other] { $count } programmes
}
programme-partners-count = { $count ->
    [one] { $count } partner organisation
   *[other] { $count } partner organisations
}
programme-dates = { $start } to { $end }

kind-cross-mentoring = Cross-mentoring between organisations
kind-within-organisation = Mentoring within one organisation
kind-political = Political mentoring
kind-qualification-course = Qualification course

create-title = Create a programme
create-intro = A programme is one run of a mentoring scheme. Partner organisations join later by invitation, not by creating a programme of the same name.
field-your-name = Your name (coordinator)
field-your-name-hint = Recorded with every change, so everyone sees who changed what.
field-name = Programme name
field-name-placeholder = e.g. Cross-mentoring Düsseldorf–Cologne 2026
field-kind = Kind of programme
field-start = Start
field-end = End
field-partners = Partner organisations
field-partner = Partner organisation { $number }
add-partner = Add another organisation
remove-partner = Remove organisation { $number }
create-submit = Create programme
create-saving = Saving …
create-done = The programme “{ $name }” has been created and saved.

programme-back = Back to all programmes
programme-loading = Loading programme …
programme-not-found = There is no such programme in this browser.
programme-overview = Overview
programme-kind = Kind
programme-period = Period
programme-partners = Partner organisations
programme-history = Changes
programme-history-entry = { $name }: { $command }
command-create-programme = created the programme
command-rename = renamed the programme
command-set-dates = changed the period
command-add-partner = added a partner organisation
command-rename-partner = renamed a partner organisation
command-unknown = changed something

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
