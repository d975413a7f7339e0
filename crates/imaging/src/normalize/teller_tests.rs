//! The outside judge of orientation ([`super::teller`]) with a scripted judge: asked only about
//! text pages whose lines leave the way up undecided, believed only when confident and in
//! agreement with the lines, never asked when the profile says no or the page has no text.

use super::teller::{OrientationTeller, Told};
use super::tests::{quarter_turn, text_page};
use super::*;
use crate::page::Raster;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Says `answer` of every page and counts how often it was asked.
#[derive(Debug)]
struct Scripted {
    answer: Option<Told>,
    asked: AtomicUsize,
}

impl OrientationTeller for Scripted {
    fn name(&self) -> String {
        "Scripted OSD".into()
    }

    fn tell(&self, gray: &[u8], width: u32, height: u32, _dpi: u32) -> Option<Told> {
        assert_eq!(
            gray.len(),
            width as usize * height as usize,
            "one byte a pixel"
        );
        self.asked.fetch_add(1, Ordering::Relaxed);
        self.answer
    }
}

fn with(turn: u16, confidence: f64) -> (Profile, Arc<Scripted>) {
    let judge = Arc::new(Scripted {
        answer: Some(Told { turn, confidence }),
        asked: AtomicUsize::new(0),
    });
    let p = Profile {
        teller: Some(judge.clone()),
        ..Profile::default()
    };
    (p, judge)
}

fn asked(j: &Scripted) -> usize {
    j.asked.load(Ordering::Relaxed)
}

/// Word-like blocks: lines run across, but with no ascenders or descenders they cannot tell
/// upright from upside down.
fn undecided() -> Raster {
    text_page([250, 250, 250], [20, 20, 20])
}

#[test]
fn an_undecided_page_is_turned_when_the_judge_is_confident_and_agrees_with_its_lines() {
    let (p, judge) = with(180, 9.0);
    let (n, _) = measure(&undecided(), &p);
    assert_eq!(asked(&judge), 1);
    assert_eq!((n.orientation, n.sideways), (Some(180), false));
    assert_eq!(
        (n.orientation_told_by.as_deref(), n.orientation_confidence),
        (Some("Scripted OSD"), Some(9.0))
    );
    assert!(
        n.describe().contains(
            "turned 180 deg clockwise to stand upright, told by Scripted OSD (confidence 9.00)"
        ),
        "{}",
        n.describe()
    );
    assert!(n.skew.is_some_and(|s| s.abs() < 0.1), "{:?}", n.skew);
}

#[test]
fn an_unsure_judge_or_one_that_contradicts_the_lines_is_not_believed() {
    // Below the profile's osd_min_confidence (5.0).
    let (p, judge) = with(180, 4.9);
    let (n, _) = measure(&undecided(), &p);
    assert_eq!((asked(&judge), n.orientation), (1, None));
    assert_eq!(n.orientation_told_by, None);
    // "On its side", of a page whose lines plainly run across.
    let (p, judge) = with(90, 30.0);
    let (n, _) = measure(&undecided(), &p);
    assert_eq!((asked(&judge), n.orientation, n.sideways), (1, None, false));
    // "Upright" needs no turn.
    let (p, judge) = with(0, 30.0);
    let (n, _) = measure(&undecided(), &p);
    assert_eq!((asked(&judge), n.orientation), (1, None));
}

#[test]
fn a_sideways_page_told_by_the_judge_is_measured_along_its_lines() {
    let page = quarter_turn(&undecided());
    let (p, judge) = with(90, 12.0);
    let (n, _) = measure(&page, &p);
    assert_eq!(asked(&judge), 1);
    assert_eq!((n.orientation, n.sideways), (Some(90), true));
    assert!(n.skew.is_some_and(|s| s.abs() < 0.1), "{:?}", n.skew);
    assert!(n
        .skew_confidence
        .is_some_and(|c| c >= p.deskew.min_confidence));
}

#[test]
fn the_judge_is_not_asked_when_the_profile_says_no_or_there_is_no_text() {
    let (mut p, judge) = with(180, 30.0);
    p.orientation.osd = false;
    let (n, _) = measure(&undecided(), &p);
    assert_eq!((asked(&judge), n.orientation), (0, None));
    // A blank sheet: nothing to tell its way up by.
    let (p, judge) = with(180, 30.0);
    let blank = Raster {
        pixels: vec![250; 1654 * 2339 * 3],
        ..undecided()
    };
    let (n, _) = measure(&blank, &p);
    assert_eq!((asked(&judge), n.orientation, n.blank), (0, None, true));
}

#[test]
fn a_real_page_that_tells_its_own_way_up_is_never_asked_about() {
    let upright =
        super::real_tests::decode(include_bytes!("../../tests/data/real/lucasta.1.300.tif"));
    // A judge that would contradict every one of them, were it asked.
    let (p, judge) = with(180, 50.0);
    for (page, fix) in super::real_tests::four_ways(upright) {
        let (n, _) = measure(&page, &p);
        assert_eq!((n.orientation, n.orientation_told_by), (fix, None));
    }
    assert_eq!(asked(&judge), 0);
}

#[test]
fn a_less_sure_judge_is_believed_only_where_the_pages_own_ink_leans_the_same_way() {
    let upright =
        super::real_tests::decode(include_bytes!("../../tests/data/real/lucasta.1.300.tif"));
    let down = quarter_turn(&quarter_turn(&upright));
    // Evidence the page could never reach on its own: every page is undecided and asked.
    let unsure = |turn| {
        let (mut p, judge) = with(turn, 3.0);
        p.orientation.min_evidence = 100.0;
        (p, judge)
    };
    let (p, judge) = unsure(180);
    let (n, _) = measure(&down, &p);
    assert_eq!((asked(&judge), n.orientation), (1, Some(180)));
    assert_eq!(
        (n.orientation_told_by.as_deref(), n.orientation_confidence),
        (Some("Scripted OSD"), Some(3.0))
    );
    // The upright page's ink leans upright: "upside down", said this unsurely, is not believed.
    let (p, judge) = unsure(180);
    let (n, _) = measure(&upright, &p);
    assert_eq!((asked(&judge), n.orientation), (1, None));
    // Block text has no ascenders or descenders to lean either way.
    let (p, judge) = with(180, 3.0);
    let (n, _) = measure(&undecided(), &p);
    assert_eq!((asked(&judge), n.orientation), (1, None));
    // Below half of osd_min_confidence nothing is believed.
    let (mut p, judge) = unsure(180);
    p.orientation.osd_min_confidence = 7.0;
    let (n, _) = measure(&down, &p);
    assert_eq!((asked(&judge), n.orientation), (1, None));
}

#[test]
fn a_fine_scan_is_shown_to_the_judge_at_half_size_each_pixel_the_mean_of_four() {
    let gray = [0, 4, 8, 255, 7, 9, 10, 255, 1, 1, 1, 1];
    // 4 × 3: the last row and no column are left over.
    assert_eq!(super::teller::halved(&gray, 4, 3), (vec![5, 132], 2, 1));
    #[derive(Debug)]
    struct Size(AtomicUsize);
    impl OrientationTeller for Size {
        fn name(&self) -> String {
            "Size".into()
        }
        fn tell(&self, _: &[u8], width: u32, _: u32, dpi: u32) -> Option<Told> {
            self.0
                .store(width as usize * 1000 + dpi as usize, Ordering::Relaxed);
            None
        }
    }
    // The 200-dpi test page (1654 wide) is shown whole; tagged 300 dpi, at half size.
    for (dpi, seen) in [(200, 1654 * 1000 + 200), (300, 827 * 1000 + 150)] {
        let judge = Arc::new(Size(AtomicUsize::new(0)));
        let p = Profile {
            teller: Some(judge.clone()),
            ..Profile::default()
        };
        let d = super::real_tests::as_decoded(undecided(), dpi as f64);
        prepare(d, &p).unwrap();
        assert_eq!(judge.0.load(Ordering::Relaxed), seen, "{dpi} dpi");
    }
}
