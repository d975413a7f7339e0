//! Tesseract 5 through its C API (`capi.h`), loaded at run time with `dlopen`: no build-time
//! dependency, one model load per worker thread, pages handed over in memory. What Tesseract and
//! Leptonica would print on the terminal is kept from it: Tesseract's own lines go to
//! `debug_file=/dev/null`, Leptonica's are caught per thread and handed back with the page that
//! caused them ([`OcrEngine::take_messages`]), for the caller to name the case and page.

use super::{Line, OcrEngine, Recognized, Word};
use libloading::Library;
use std::cell::RefCell;
use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::sync::OnceLock;

type Api = c_void;
type Monitor = c_void;
type ResultIt = c_void;
type PageIt = c_void;

// TessPageIteratorLevel and TessPageSegMode values from capi.h / publictypes.h.
const RIL_TEXTLINE: c_int = 2;
const RIL_WORD: c_int = 3;
const PSM_AUTO: c_int = 3;
const PSM_OSD_ONLY: c_int = 0;

/// The C functions sohoa uses, resolved once from `libtesseract.so.5`.
struct Fns {
    version: unsafe extern "C" fn() -> *const c_char,
    create: unsafe extern "C" fn() -> *mut Api,
    delete: unsafe extern "C" fn(*mut Api),
    init3: unsafe extern "C" fn(*mut Api, *const c_char, *const c_char) -> c_int,
    set_variable: unsafe extern "C" fn(*mut Api, *const c_char, *const c_char) -> c_int,
    set_psm: unsafe extern "C" fn(*mut Api, c_int),
    set_image: unsafe extern "C" fn(*mut Api, *const u8, c_int, c_int, c_int, c_int),
    set_resolution: unsafe extern "C" fn(*mut Api, c_int),
    recognize: unsafe extern "C" fn(*mut Api, *mut Monitor) -> c_int,
    utf8_text: unsafe extern "C" fn(*mut Api) -> *mut c_char,
    hocr_text: unsafe extern "C" fn(*mut Api, c_int) -> *mut c_char,
    mean_conf: unsafe extern "C" fn(*mut Api) -> c_int,
    iterator: unsafe extern "C" fn(*mut Api) -> *mut ResultIt,
    clear: unsafe extern "C" fn(*mut Api),
    end: unsafe extern "C" fn(*mut Api),
    delete_text: unsafe extern "C" fn(*const c_char),
    monitor_create: unsafe extern "C" fn() -> *mut Monitor,
    monitor_delete: unsafe extern "C" fn(*mut Monitor),
    monitor_deadline: unsafe extern "C" fn(*mut Monitor, c_int),
    it_delete: unsafe extern "C" fn(*mut ResultIt),
    it_next: unsafe extern "C" fn(*mut ResultIt, c_int) -> c_int,
    it_text: unsafe extern "C" fn(*const ResultIt, c_int) -> *mut c_char,
    it_conf: unsafe extern "C" fn(*const ResultIt, c_int) -> f32,
    it_page: unsafe extern "C" fn(*const ResultIt) -> *const PageIt,
    pi_begins: unsafe extern "C" fn(*const PageIt, c_int) -> c_int,
    pi_bbox: unsafe extern "C" fn(
        *const PageIt,
        c_int,
        *mut c_int,
        *mut c_int,
        *mut c_int,
        *mut c_int,
    ) -> c_int,
    pi_baseline: unsafe extern "C" fn(
        *const PageIt,
        c_int,
        *mut c_int,
        *mut c_int,
        *mut c_int,
        *mut c_int,
    ) -> c_int,
    detect_os:
        unsafe extern "C" fn(*mut Api, *mut c_int, *mut f32, *mut *const c_char, *mut f32) -> c_int,
}

/// Leptonica messages kept per page at most: the rest are counted, not kept.
const MESSAGES_KEPT: usize = 50;

thread_local! {
    /// Leptonica's messages on this thread since the last page started, and how many were
    /// dropped past [`MESSAGES_KEPT`].
    static MESSAGES: RefCell<(Vec<String>, usize)> = const { RefCell::new((Vec::new(), 0)) };
}

/// Leptonica's message handler (`leptSetStderrHandler`): the message is kept on the thread that
/// raised it (the worker recognizing a page) instead of going to standard error.
extern "C" fn keep_message(msg: *const c_char) {
    if msg.is_null() {
        return;
    }
    // SAFETY: Leptonica passes a NUL-terminated string, valid for this call.
    let text = unsafe { CStr::from_ptr(msg) }.to_string_lossy();
    let _ = MESSAGES.try_with(|m| {
        if let Ok(mut m) = m.try_borrow_mut() {
            for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
                if m.0.len() < MESSAGES_KEPT {
                    m.0.push(line.to_string());
                } else {
                    m.1 += 1;
                }
            }
        }
    });
}

/// Takes this thread's Leptonica messages (and a last line saying how many more were dropped).
pub(super) fn take_thread_messages() -> Vec<String> {
    MESSAGES
        .try_with(|m| {
            let (mut kept, dropped) = std::mem::take(&mut *m.borrow_mut());
            if dropped > 0 {
                kept.push(format!("(+{dropped} more)"));
            }
            kept
        })
        .unwrap_or_default()
}

/// Leptonica's `L_SEVERITY_NONE`: no message at all (for a Leptonica without a handler hook).
const L_SEVERITY_NONE: c_int = 6;

/// Routes Leptonica's messages to [`keep_message`] (Leptonica 1.80 and later), or silences them
/// (older ones); `lib` is libtesseract, whose dependencies include Leptonica.
fn quiet_leptonica(lib: &Library) {
    type Handler = extern "C" fn(*const c_char);
    // SAFETY: the signatures are those of leptonica's utils1.c / environ.h.
    unsafe {
        if let Ok(set) = lib.get::<unsafe extern "C" fn(Option<Handler>)>(b"leptSetStderrHandler\0")
        {
            set(Some(keep_message));
        } else if let Ok(set) = lib.get::<unsafe extern "C" fn(c_int) -> c_int>(b"setMsgSeverity\0")
        {
            set(L_SEVERITY_NONE);
        }
    }
}

/// The loaded library (kept alive for the whole process) and its functions.
pub(super) struct Tesseract {
    _lib: Library,
    fns: Fns,
    pub version: String,
}

/// Library names tried in order (Debian/Ubuntu ship `.so.5`; the dev package adds `.so`).
const LIBRARY_NAMES: &[&str] = &[
    "libtesseract.so.5",
    "libtesseract.so",
    "libtesseract.5.dylib",
];

fn load() -> Result<Tesseract, String> {
    let mut last = String::new();
    for name in LIBRARY_NAMES {
        // SAFETY: loading libtesseract runs its (and leptonica's) initialisers, which have no
        // preconditions.
        match unsafe { Library::new(name) } {
            Ok(lib) => return resolve(lib),
            Err(e) => last = e.to_string(),
        }
    }
    Err(last)
}

fn resolve(lib: Library) -> Result<Tesseract, String> {
    macro_rules! sym {
        ($name:literal) => {
            // SAFETY: the signature is the one declared in tesseract's capi.h for this name.
            *unsafe { lib.get(concat!($name, "\0").as_bytes()) }
                .map_err(|e| format!("{}: {e}", $name))?
        };
    }
    let fns = Fns {
        version: sym!("TessVersion"),
        create: sym!("TessBaseAPICreate"),
        delete: sym!("TessBaseAPIDelete"),
        init3: sym!("TessBaseAPIInit3"),
        set_variable: sym!("TessBaseAPISetVariable"),
        set_psm: sym!("TessBaseAPISetPageSegMode"),
        set_image: sym!("TessBaseAPISetImage"),
        set_resolution: sym!("TessBaseAPISetSourceResolution"),
        recognize: sym!("TessBaseAPIRecognize"),
        utf8_text: sym!("TessBaseAPIGetUTF8Text"),
        hocr_text: sym!("TessBaseAPIGetHOCRText"),
        mean_conf: sym!("TessBaseAPIMeanTextConf"),
        iterator: sym!("TessBaseAPIGetIterator"),
        clear: sym!("TessBaseAPIClear"),
        end: sym!("TessBaseAPIEnd"),
        delete_text: sym!("TessDeleteText"),
        monitor_create: sym!("TessMonitorCreate"),
        monitor_delete: sym!("TessMonitorDelete"),
        monitor_deadline: sym!("TessMonitorSetDeadlineMSecs"),
        it_delete: sym!("TessResultIteratorDelete"),
        it_next: sym!("TessResultIteratorNext"),
        it_text: sym!("TessResultIteratorGetUTF8Text"),
        it_conf: sym!("TessResultIteratorConfidence"),
        it_page: sym!("TessResultIteratorGetPageIteratorConst"),
        pi_begins: sym!("TessPageIteratorIsAtBeginningOf"),
        pi_bbox: sym!("TessPageIteratorBoundingBox"),
        pi_baseline: sym!("TessPageIteratorBaseline"),
        detect_os: sym!("TessBaseAPIDetectOrientationScript"),
    };
    quiet_leptonica(&lib);
    // SAFETY: TessVersion returns a static NUL-terminated string.
    let version = unsafe { CStr::from_ptr((fns.version)()) }
        .to_string_lossy()
        .into_owned();
    Ok(Tesseract {
        _lib: lib,
        fns,
        version,
    })
}

/// The process-wide library, loaded on first use; `Err` says why it is not available.
pub(super) fn library() -> Result<&'static Tesseract, String> {
    static LIB: OnceLock<Result<Tesseract, String>> = OnceLock::new();
    LIB.get_or_init(load).as_ref().map_err(Clone::clone)
}

/// One initialised recognizer (a `TessBaseAPI` with its languages loaded). Not shared:
/// each worker thread owns one.
pub(super) struct Engine {
    lib: &'static Tesseract,
    api: *mut Api,
}

// SAFETY: a TessBaseAPI may be used from any thread as long as it is used by one at a time,
// which `&mut self` on every use guarantees.
unsafe impl Send for Engine {}

/// Takes ownership of a string allocated by Tesseract.
fn take_text(lib: &Tesseract, p: *mut c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: `p` is a NUL-terminated string returned by Tesseract; freed once, right here.
    let s = unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned();
    unsafe { (lib.fns.delete_text)(p) };
    s
}

impl Engine {
    /// Loads the languages (`vie+eng`); `Err` names what is missing.
    pub fn new(lib: &'static Tesseract, languages: &str) -> Result<Engine, String> {
        let lang = CString::new(languages).map_err(|e| e.to_string())?;
        // SAFETY: create/init/delete follow capi.h; a failed init is deleted before returning.
        unsafe {
            let api = (lib.fns.create)();
            if api.is_null() {
                return Err("TessBaseAPICreate failed".into());
            }
            // Tesseract's own lines ("Detected 67 diacritics", "Image too small to scale",
            // "Failed loading language") are not for our users: set before loading the
            // languages, so that what loading says goes there too (sohoa says what is missing).
            (lib.fns.set_variable)(api, c"debug_file".as_ptr(), c"/dev/null".as_ptr());
            let loaded = (lib.fns.init3)(api, std::ptr::null(), lang.as_ptr());
            take_thread_messages();
            if loaded != 0 {
                (lib.fns.delete)(api);
                return Err(format!("cannot load the language data \"{languages}\""));
            }
            (lib.fns.set_psm)(
                api,
                if languages == "osd" {
                    PSM_OSD_ONLY
                } else {
                    PSM_AUTO
                },
            );
            Ok(Engine { lib, api })
        }
    }
}

impl OcrEngine for Engine {
    /// Recognizes an 8-bit gray image. `Err` when Tesseract gave up (timeout or failure).
    fn recognize(
        &mut self,
        pixels: &[u8],
        width: u32,
        height: u32,
        dpi: u32,
        timeout_ms: u32,
    ) -> Result<Recognized, String> {
        let f = &self.lib.fns;
        if pixels.len() != width as usize * height as usize || width == 0 || height == 0 {
            return Err("image size does not match its pixels".into());
        }
        let (w, h) = (
            c_int::try_from(width).map_err(|e| e.to_string())?,
            c_int::try_from(height).map_err(|e| e.to_string())?,
        );
        // What Leptonica said before this page is not about it.
        take_thread_messages();
        // SAFETY: `pixels` outlives recognition (it is borrowed for this whole call); the
        // monitor, iterator and texts are freed on every path below.
        unsafe {
            (f.set_image)(self.api, pixels.as_ptr(), w, h, 1, w);
            (f.set_resolution)(self.api, dpi.clamp(70, 2400) as c_int);
            let monitor = (f.monitor_create)();
            if !monitor.is_null() && timeout_ms > 0 {
                (f.monitor_deadline)(monitor, timeout_ms.min(i32::MAX as u32) as c_int);
            }
            let started = std::time::Instant::now();
            let status = (f.recognize)(self.api, monitor);
            if !monitor.is_null() {
                (f.monitor_delete)(monitor);
            }
            let timed_out =
                timeout_ms > 0 && started.elapsed().as_millis() as u64 >= timeout_ms as u64;
            if status != 0 || timed_out {
                (f.clear)(self.api);
                return Err(if timed_out {
                    format!("timed out after {} s", timeout_ms as f64 / 1000.0)
                } else {
                    "recognition failed".into()
                });
            }
            let text = take_text(self.lib, (f.utf8_text)(self.api));
            let hocr = take_text(self.lib, (f.hocr_text)(self.api, 0));
            let confidence = (f.mean_conf)(self.api).clamp(0, 100) as u8;
            let lines = self.lines();
            (f.clear)(self.api);
            Ok(Recognized {
                width,
                height,
                text,
                hocr,
                confidence,
                lines,
            })
        }
    }

    fn take_messages(&mut self) -> Vec<String> {
        take_thread_messages()
    }
}

impl Engine {
    /// Orientation and script detection on an 8-bit gray image (an engine made with the
    /// `osd` language): the clockwise turn that stands it upright and Tesseract's confidence;
    /// `None` when it cannot tell (too little text).
    pub fn detect_orientation(
        &mut self,
        pixels: &[u8],
        width: u32,
        height: u32,
        dpi: u32,
    ) -> Option<(u16, f32)> {
        let f = &self.lib.fns;
        if pixels.len() != width as usize * height as usize || width == 0 || height == 0 {
            return None;
        }
        let (w, h) = (c_int::try_from(width).ok()?, c_int::try_from(height).ok()?);
        take_thread_messages();
        let (mut degrees, mut confidence) = (0 as c_int, 0f32);
        let (mut script, mut script_confidence) = (std::ptr::null(), 0f32);
        // SAFETY: `pixels` outlives the call; the script name is Tesseract's static string,
        // not freed here; `clear` drops the page.
        let found = unsafe {
            (f.set_image)(self.api, pixels.as_ptr(), w, h, 1, w);
            (f.set_resolution)(self.api, dpi.clamp(70, 2400) as c_int);
            let found = (f.detect_os)(
                self.api,
                &mut degrees,
                &mut confidence,
                &mut script,
                &mut script_confidence,
            );
            (f.clear)(self.api);
            found
        };
        take_thread_messages();
        // Tesseract reports how far the page is turned ("Orientation in degrees" of
        // `tesseract --psm 0`); the clockwise turn that stands it upright is that output's
        // "Rotate" line, 360 minus it.
        (found != 0 && confidence.is_finite())
            .then(|| (((360 - degrees.rem_euclid(360)) % 360) as u16, confidence))
    }

    /// Lines of words with their boxes, in reading order.
    ///
    /// SAFETY: call only after a successful recognition, before `clear`.
    unsafe fn lines(&mut self) -> Vec<Line> {
        let f = &self.lib.fns;
        let it = (f.iterator)(self.api);
        let mut lines: Vec<Line> = Vec::new();
        if it.is_null() {
            return lines;
        }
        let page = (f.it_page)(it);
        let bbox = |level: c_int| {
            let (mut l, mut t, mut r, mut b) = (0, 0, 0, 0);
            ((f.pi_bbox)(page, level, &mut l, &mut t, &mut r, &mut b) != 0).then_some([
                l.max(0) as u32,
                t.max(0) as u32,
                r.max(0) as u32,
                b.max(0) as u32,
            ])
        };
        loop {
            if lines.is_empty() || (f.pi_begins)(page, RIL_TEXTLINE) != 0 {
                let (mut x1, mut y1, mut x2, mut y2) = (0, 0, 0, 0);
                let baseline =
                    ((f.pi_baseline)(page, RIL_TEXTLINE, &mut x1, &mut y1, &mut x2, &mut y2) != 0)
                        .then_some((y1.max(0) + y2.max(0)) as f64 / 2.0);
                let bounds = bbox(RIL_TEXTLINE).unwrap_or_default();
                lines.push(Line {
                    bbox: bounds,
                    baseline: baseline.unwrap_or(bounds[3] as f64),
                    words: Vec::new(),
                });
            }
            let text = take_text(self.lib, (f.it_text)(it, RIL_WORD));
            let conf = (f.it_conf)(it, RIL_WORD);
            if let (Some(b), false) = (bbox(RIL_WORD), text.trim().is_empty()) {
                if let Some(line) = lines.last_mut() {
                    line.words.push(Word {
                        text: sohoa_archive::text::nfc(text.trim()),
                        bbox: b,
                        confidence: conf.clamp(0.0, 100.0),
                    });
                }
            }
            if (f.it_next)(it, RIL_WORD) == 0 {
                break;
            }
        }
        (f.it_delete)(it);
        lines.retain(|l| !l.words.is_empty());
        lines
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        // SAFETY: `api` came from TessBaseAPICreate and is dropped once.
        unsafe {
            (self.lib.fns.end)(self.api);
            (self.lib.fns.delete)(self.api);
        }
    }
}
