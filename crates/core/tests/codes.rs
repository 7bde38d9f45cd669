//! The codes of the enums stored by name (`Role`, `Stage`, `EventKind`, …)
//! are written into documents, exchange files and spreadsheets. These lists
//! pin them, in the order the app offers the values, so that renaming a
//! variant or reordering the list never changes what is stored.

use tandem_core::{
    AttendanceStatus, ConsentWay, Criterion, EventKind, GoalReached, GoalStatus, ImportField,
    MeetingFormat, MeetingKind, OutcomeWhen, ProgrammeKind, Role, Stage, Standing, SurveyAudience,
};

macro_rules! assert_codes {
    ($name:ident, [$($code:literal),+ $(,)?]) => {
        let codes: Vec<&str> = $name::ALL.iter().map(|value| value.code()).collect();
        assert_eq!(codes, [$($code),+], "codes of {}", stringify!($name));
        for value in $name::ALL {
            assert_eq!($name::from_code(value.code()), Some(value));
        }
        assert_eq!($name::from_code("no-such-code"), None);
    };
}

#[test]
fn stored_codes_stay_as_they_were_and_read_back_as_their_value() {
    assert_codes!(GoalStatus, ["open", "in-progress", "reached", "dropped"]);
    assert_codes!(MeetingKind, ["in-person", "online", "phone", "shadowing"]);
    assert_codes!(SurveyAudience, ["mentees", "mentors", "everyone"]);
    assert_codes!(
        Criterion,
        [
            "topics",
            "goal",
            "format",
            "availability",
            "location",
            "languages"
        ]
    );
    assert_codes!(
        EventKind,
        [
            "info-event",
            "kick-off",
            "seminar",
            "workshop",
            "network-meeting",
            "fireside-evening",
            "regulars-table",
            "course-day",
            "closing-ceremony",
            "other"
        ]
    );
    assert_codes!(
        AttendanceStatus,
        ["invited", "registered", "attended", "excused", "absent"]
    );
    assert_codes!(
        ConsentWay,
        ["paper-form", "email", "in-person", "online-form"]
    );
    assert_codes!(OutcomeWhen, ["end", "after-6-months", "after-12-months"]);
    assert_codes!(GoalReached, ["fully", "partly", "not"]);
    assert_codes!(
        ProgrammeKind,
        [
            "cross-mentoring",
            "within-organisation",
            "political",
            "qualification-course"
        ]
    );
    assert_codes!(
        Standing,
        [
            "applied",
            "interviewed",
            "accepted",
            "matched",
            "waitlisted",
            "declined",
            "withdrawn"
        ]
    );
    assert_codes!(Role, ["mentee", "mentor", "co-mentor"]);
    assert_codes!(MeetingFormat, ["in-person", "online", "either"]);
    assert_codes!(
        Stage,
        [
            "applied",
            "interviewed",
            "accepted",
            "waitlisted",
            "declined",
            "withdrawn"
        ]
    );
    assert_codes!(
        ImportField,
        [
            "name",
            "first-name",
            "last-name",
            "role",
            "salutation",
            "organisation",
            "department",
            "position",
            "email",
            "phone",
            "topics",
            "goal",
            "motivation",
            "availability",
            "meeting-format",
            "languages",
            "location",
            "applied-on",
            "stage"
        ]
    );
}
