//! Everything outside text passes through these parsers first: they must answer, never panic,
//! and what they accept must be stable when parsed again.

use proptest::prelude::*;
use rapport_domain::channel::parse_channel_name;
use rapport_domain::contact::parse_person_name;
use rapport_domain::conversation::subject_from_text;
use rapport_domain::message::parse_message_text;
use rapport_domain::{ContactId, Identity, MoodLabel, Priority, Role, Status};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parsers_answer_any_text(s in "\\PC{0,300}") {
        let _ = Identity::email(&s);
        let _ = Identity::phone(&s);
        let _ = Identity::handle(&s);
        let _ = Identity::chat_visitor(&s);
        let _ = parse_person_name(&s);
        let _ = parse_message_text(&s);
        let _ = parse_channel_name(&s);
        let _ = Status::parse(&s);
        let _ = Priority::parse(&s);
        let _ = Role::parse(&s);
        let _ = MoodLabel::parse(&s);
        let _ = s.parse::<ContactId>();
    }

    #[test]
    fn subjects_are_short_and_come_from_the_text(s in "\\PC{0,400}") {
        let subject = subject_from_text(&s);
        prop_assert!(subject.chars().count() <= 61);
        prop_assert!(s.contains(subject.trim_end_matches('…')));
    }

    #[test]
    fn accepted_identities_parse_to_themselves(s in "[A-Za-z0-9@._+ ()-]{0,40}") {
        for parse in [Identity::email, Identity::phone, Identity::handle] {
            if let Ok(identity) = parse(&s) {
                prop_assert_eq!(parse(&identity.value).map(|i| i.value), Ok(identity.value.clone()));
            }
        }
    }
}
