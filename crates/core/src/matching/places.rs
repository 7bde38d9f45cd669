//! How far apart two people live or work, from a small table of the
//! partner cities of the programmes Tandem serves and their neighbours.
//!
//! A place is recognised when the person's location names one of the
//! cities ("Stadt Köln", "Kassel-Wilhelmshöhe"); the distance is the
//! great-circle distance between the city centres, rounded to whole
//! kilometres. Places outside the table are compared by name only.

/// Cities with their centre's latitude and longitude, and the names people
/// write them under (lower case, with and without umlauts).
const CITIES: &[(&[&str], f64, f64)] = &[
    (
        &["düsseldorf", "duesseldorf", "dusseldorf"],
        51.2277,
        6.7735,
    ),
    (&["köln", "koeln", "cologne"], 50.9375, 6.9603),
    (&["kassel"], 51.3127, 9.4797),
    (&["baunatal"], 51.2516, 9.4097),
    (&["bonn"], 50.7374, 7.0982),
    (&["neuss"], 51.2042, 6.6879),
    (&["leverkusen"], 51.0459, 7.0192),
    (&["wuppertal"], 51.2562, 7.1508),
    (&["essen"], 51.4556, 7.0116),
    (&["duisburg"], 51.4344, 6.7623),
    (&["vellmar"], 51.3583, 9.4703),
    (&["lohfelden"], 51.2679, 9.5379),
    (&["kaufungen"], 51.2811, 9.6201),
    (&["hofgeismar"], 51.4960, 9.3847),
    (&["wolfhagen"], 51.3262, 9.1709),
    (&["melsungen"], 51.1306, 9.5475),
    (&["fritzlar"], 51.1317, 9.2775),
];

/// The distance up to which being near still counts: at 0 km a pair gets
/// the full share for place, at this distance and beyond nothing.
pub const NEAR_KM: u32 = 100;

/// The table's city a location names, if any.
pub(crate) fn city_of(location: &str) -> Option<u8> {
    let text = location.to_lowercase();
    let words: Vec<&str> = text.split(|c: char| !c.is_alphabetic()).collect();
    CITIES
        .iter()
        .position(|(names, _, _)| words.iter().any(|word| names.contains(word)))
        .map(|index| index as u8)
}

/// Kilometres between two cities of the table, rounded.
pub(crate) fn kilometres(a: u8, b: u8) -> u32 {
    let (Some(&(_, lat_a, lon_a)), Some(&(_, lat_b, lon_b))) =
        (CITIES.get(usize::from(a)), CITIES.get(usize::from(b)))
    else {
        return u32::MAX;
    };
    const EARTH_RADIUS_KM: f64 = 6371.0;
    let (lat_a, lat_b) = (lat_a.to_radians(), lat_b.to_radians());
    let d_lat = lat_b - lat_a;
    let d_lon = (lon_b - lon_a).to_radians();
    let h = (d_lat / 2.0).sin().powi(2) + lat_a.cos() * lat_b.cos() * (d_lon / 2.0).sin().powi(2);
    (2.0 * EARTH_RADIUS_KM * h.sqrt().asin()).round() as u32
}

/// How far being `km` apart counts for place, in percent.
pub(crate) fn nearness(km: u32) -> u32 {
    (NEAR_KM - km.min(NEAR_KM)) * 100 / NEAR_KM
}

/// Every pair of cities' distance, so that a million comparisons are a
/// look-up each.
pub(crate) struct DistanceTable {
    size: usize,
    km: Vec<u32>,
}

impl DistanceTable {
    pub(crate) fn new() -> Self {
        let size = CITIES.len();
        let mut km = Vec::with_capacity(size * size);
        for a in 0..size {
            for b in 0..size {
                km.push(kilometres(a as u8, b as u8));
            }
        }
        Self { size, km }
    }

    pub(crate) fn get(&self, a: u8, b: u8) -> u32 {
        self.km
            .get(usize::from(a) * self.size + usize::from(b))
            .copied()
            .unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partner_cities_are_found_in_what_people_write_and_measured() {
        let koeln = city_of("Stadt Köln").unwrap();
        let duesseldorf = city_of("Düsseldorf-Bilk").unwrap();
        let kassel = city_of("Landkreis Kassel").unwrap();
        let baunatal = city_of("baunatal").unwrap();
        assert_eq!(city_of("Koeln"), Some(koeln));
        assert_eq!(kilometres(koeln, duesseldorf), 35);
        assert_eq!(kilometres(kassel, baunatal), 8);
        assert!(kilometres(kassel, koeln) > 150);
        assert_eq!(city_of("Fulda"), None);
        assert_eq!(nearness(0), 100);
        assert_eq!(nearness(35), 65);
        assert_eq!(nearness(250), 0);
    }
}
