//! When a person can meet, read from what the intake form records in the
//! person's own words ("Mo–Mi abends, Fr vormittags", "dienstags ab 17 Uhr",
//! "weekday mornings").
//!
//! The week is cut into 21 slots: seven days, each with a morning
//! (before 12), an afternoon (12 to 17) and an evening (from 17). Text is
//! read clause by clause (clauses end at `,`, `;` or a new line): the days
//! a clause names, as single days, ranges (`Mo–Mi`) or groups ("werktags",
//! "Wochenende"), get the times of day it names, as words ("abends") or
//! hours (`17–19 Uhr`, "ab 18 Uhr"). A clause with days but no time means
//! the whole day; one with times but no days means Monday to Friday.
//! "flexibel" and "jederzeit" mean every slot. What cannot be read adds
//! nothing, so an empty or unreadable text is "not given".

/// Days of the week, Monday first, as stable codes for translations.
pub const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Parts of a day, as stable codes for translations.
pub const DAY_PARTS: [&str; 3] = ["morning", "afternoon", "evening"];

/// The slots of the week a person can meet in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Availability(u32);

/// Monday to Friday.
const WORKING_DAYS: u8 = 0b001_1111;
const ALL_DAYS: u8 = 0b111_1111;
const ALL_PARTS: u8 = 0b111;

impl Availability {
    /// Every slot of the week.
    pub fn always() -> Self {
        Self::of(ALL_DAYS, ALL_PARTS)
    }

    /// The slots of these days (bit 0 is Monday) at these parts of the day
    /// (bit 0 is the morning).
    fn of(days: u8, parts: u8) -> Self {
        let mut slots = 0;
        for day in 0..7 {
            if days & (1 << day) != 0 {
                slots |= u32::from(parts & ALL_PARTS) << (day * 3);
            }
        }
        Self(slots)
    }

    /// Reads a text as people write their availability.
    pub fn parse(text: &str) -> Self {
        text.split([',', ';', '\n'])
            .map(read_clause)
            .fold(Self::default(), |all, clause| Self(all.0 | clause.0))
    }

    /// Whether nothing could be read.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// How many slots.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The slots both have.
    pub fn shared(self, other: Self) -> Self {
        Self(self.0 & other.0)
    }

    /// The slots as codes such as `tue-evening`, Monday morning first.
    pub fn codes(self) -> Vec<String> {
        (0..21)
            .filter(|slot| self.0 & (1 << slot) != 0)
            .map(|slot| format!("{}-{}", DAYS[slot / 3], DAY_PARTS[slot % 3]))
            .collect()
    }
}

/// One word, number or range mark of a clause.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Hour(u32),
    Dash,
}

fn tokens(clause: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = clause.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_alphabetic() {
            let mut word = String::new();
            while let Some(&c) = chars.peek().filter(|c| c.is_alphabetic()) {
                word.extend(c.to_lowercase());
                chars.next();
            }
            tokens.push(match word.as_str() {
                "bis" | "to" | "till" | "until" => Token::Dash,
                _ => Token::Word(word),
            });
        } else if c.is_ascii_digit() {
            let mut number = String::new();
            while let Some(&c) = chars.peek().filter(|c| c.is_ascii_digit()) {
                number.push(c);
                chars.next();
            }
            // Minutes (":30", ".30") do not change the part of the day.
            if chars.peek().is_some_and(|c| *c == ':' || *c == '.') {
                chars.next();
                while chars.peek().is_some_and(|c| c.is_ascii_digit()) {
                    chars.next();
                }
            }
            if let Ok(hour) = number.parse::<u32>() {
                if hour <= 24 {
                    tokens.push(Token::Hour(hour));
                }
            }
        } else {
            if matches!(c, '-' | '–' | '—') {
                tokens.push(Token::Dash);
            }
            chars.next();
        }
    }
    tokens
}

/// The day a word names (0 is Monday).
fn day(word: &str) -> Option<u8> {
    let day = match word {
        "mo" | "mon" | "montag" | "montags" | "monday" | "mondays" => 0,
        "di" | "tu" | "tue" | "tues" | "dienstag" | "dienstags" | "tuesday" | "tuesdays" => 1,
        "mi" | "wed" | "mittwoch" | "mittwochs" | "wednesday" | "wednesdays" => 2,
        "do" | "th" | "thu" | "thur" | "thurs" | "donnerstag" | "donnerstags" | "thursday"
        | "thursdays" => 3,
        "fr" | "fri" | "freitag" | "freitags" | "friday" | "fridays" => 4,
        "sa" | "sat" | "samstag" | "samstags" | "sonnabend" | "sonnabends" | "saturday"
        | "saturdays" => 5,
        "so" | "sun" | "sonntag" | "sonntags" | "sunday" | "sundays" => 6,
        _ => return None,
    };
    Some(day)
}

/// The days a group word names, as bits.
fn day_group(word: &str) -> Option<u8> {
    match word {
        "werktags" | "werktag" | "wochentags" | "wochentag" | "weekday" | "weekdays" => {
            Some(WORKING_DAYS)
        }
        "wochenende" | "wochenenden" | "weekend" | "weekends" => Some(0b110_0000),
        _ => None,
    }
}

/// The part of the day a word names (0 is the morning), as bits.
fn day_part(word: &str) -> Option<u8> {
    match word {
        "vormittag" | "vormittags" | "morgen" | "morgens" | "früh" | "frueh" | "morning"
        | "mornings" => Some(0b001),
        "mittag" | "mittags" | "nachmittag" | "nachmittags" | "mittagspause" | "afternoon"
        | "afternoons" | "noon" | "lunch" | "lunchtime" => Some(0b010),
        "abend" | "abends" | "feierabend" | "evening" | "evenings" | "night" | "nights" => {
            Some(0b100)
        }
        "ganztags" | "ganztägig" => Some(ALL_PARTS),
        _ => None,
    }
}

/// Words that mean any time at all.
fn any_time(word: &str) -> bool {
    matches!(
        word,
        "flexibel"
            | "jederzeit"
            | "immer"
            | "täglich"
            | "taeglich"
            | "flexible"
            | "anytime"
            | "always"
            | "daily"
    )
}

/// The part of the day an hour falls in.
fn part_of_hour(hour: u32) -> u8 {
    match hour {
        0..=11 => 0b001,
        12..=16 => 0b010,
        _ => 0b100,
    }
}

/// The parts of the day from one hour to another (the end not included).
fn parts_between(from: u32, to: u32) -> u8 {
    if to <= from {
        return part_of_hour(from);
    }
    (from..to).fold(0, |parts, hour| parts | part_of_hour(hour))
}

fn read_clause(clause: &str) -> Availability {
    let tokens = tokens(clause);
    let (mut days, mut parts, mut any) = (0u8, 0u8, false);
    let mut index = 0;
    while index < tokens.len() {
        match &tokens[index] {
            Token::Word(word) => {
                if let Some(first) = day(word) {
                    // A range of days: "Mo–Mi", "Montag bis Mittwoch".
                    let last = match (tokens.get(index + 1), tokens.get(index + 2)) {
                        (Some(Token::Dash), Some(Token::Word(next))) => day(next),
                        _ => None,
                    };
                    match last {
                        Some(last) => {
                            let mut d = first;
                            loop {
                                days |= 1 << d;
                                if d == last {
                                    break;
                                }
                                d = (d + 1) % 7;
                            }
                            index += 2;
                        }
                        None => days |= 1 << first,
                    }
                } else if let Some(group) = day_group(word) {
                    days |= group;
                } else if let Some(part) = day_part(word) {
                    parts |= part;
                } else if any_time(word) {
                    any = true;
                } else if word == "ab" || word == "from" || word == "after" {
                    // "ab 17 Uhr": from that hour on.
                    if let Some(Token::Hour(hour)) = tokens.get(index + 1) {
                        parts |= parts_between(*hour, 24);
                        index += 1;
                    }
                }
            }
            Token::Hour(from) => match (tokens.get(index + 1), tokens.get(index + 2)) {
                (Some(Token::Dash), Some(Token::Hour(to))) => {
                    parts |= parts_between(*from, *to);
                    index += 2;
                }
                _ => parts |= part_of_hour(*from),
            },
            Token::Dash => {}
        }
        index += 1;
    }
    if any && days == 0 && parts == 0 {
        return Availability::always();
    }
    match (days, parts) {
        (0, 0) => Availability::default(),
        (0, parts) => Availability::of(if any { ALL_DAYS } else { WORKING_DAYS }, parts),
        (days, 0) => Availability::of(days, ALL_PARTS),
        (days, parts) => Availability::of(days, parts),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<String> {
        Availability::parse(text).codes()
    }

    #[test]
    fn days_with_times_of_day_as_coordinators_write_them() {
        assert_eq!(
            codes("Mo–Mi abends, Fr vormittags"),
            vec!["mon-evening", "tue-evening", "wed-evening", "fri-morning"]
        );
        assert_eq!(codes("dienstags ab 17 Uhr"), vec!["tue-evening"]);
        assert_eq!(
            codes("Donnerstag 9-13 Uhr"),
            vec!["thu-morning", "thu-afternoon"]
        );
        assert_eq!(
            codes("Montag bis Dienstag mittags"),
            vec!["mon-afternoon", "tue-afternoon"]
        );
    }

    #[test]
    fn english_groups_and_flexible_texts_are_read_too() {
        assert_eq!(Availability::parse("weekday mornings").len(), 5);
        assert_eq!(Availability::parse("Wochenende").len(), 6);
        assert_eq!(Availability::parse("flexibel"), Availability::always());
        assert_eq!(Availability::parse("abends").len(), 5);
    }

    #[test]
    fn an_unreadable_text_means_not_given() {
        assert!(Availability::parse("").is_empty());
        assert!(Availability::parse("nach Absprache").is_empty());
        // "morgens" and "mittags" are times of day, not Monday or Wednesday.
        assert_eq!(codes("Sa morgens"), vec!["sat-morning"]);
    }
}
