//! Generated OCR text of a case's pages, like the scans of Vietnamese administrative forms:
//! each case's forms are those of its procedure (birth, marriage and death registration,
//! certified copies, land registration with parcels "thửa đất số 123, tờ bản đồ số 45",
//! areas and prices, construction permits, household businesses): the national motto, the
//! form's title, the applicant (name, date of birth, address xã/huyện/tỉnh, CCCD number,
//! phone), the procedure's lines and the closing pledge; or a copy of the identity card, a fee
//! receipt or the decision with the law it cites; then running text whose syllables follow a
//! Zipf law over some 12,000 syllables (common administrative words first, a long tail of rare
//! ones), with a little OCR noise (marks lost, words glued). Deterministic for a given source.

use super::{Rng, GIVEN, MIDDLE, PLACES, SURNAMES};
use sohoa_index::document::CaseDoc;

/// Common syllables of administrative text, most frequent first (the head of the Zipf law).
const COMMON: &str = "và của các có được theo trong cho người đã không với là này tại về số ngày \
năm tháng đất nhà ở để những khi quy định thực hiện đăng ký giấy chứng nhận quyền sử dụng hồ sơ cơ \
quan ủy ban nhân dân xã huyện tỉnh thành phố phường thôn ấp tổ khu cư công cá chức gia đình hộ khẩu \
thường trú tạm nơi sinh quê quán tộc kinh quốc tịch việt nam tôn giáo nghề nghiệp địa chỉ điện thoại \
thửa tờ bản đồ diện tích mục đích thời hạn nguồn gốc giao thuê chuyển nhượng tặng thừa kế thế chấp \
hợp bên giá tiền bằng chữ thuế phí lệ nộp nghĩa vụ tài chính xây dựng trình cấp phép tầng chiều cao \
móng mái tường sân vườn đường sông biển rừng lúa màu cây lâu trồng nông phi đô thị kết quả giải quyết \
tiếp trả hẹn bộ phận một cửa văn phòng cán chủ phó tên đóng dấu xác cam đoan chịu trách nhiệm trước \
pháp luật căn cứ nghị thông tư điều khoản điểm hành hiệu lực kể từ sau đây trên dưới đúng sự thật nội \
dung kê khai yêu cầu đề đơn kính gửi tôi chúng ông bà anh chị con cha mẹ vợ chồng hôn tử ly giám nuôi \
trích lục sao chính sổ lưu trữ kèm gồm lệ thực chữ ký mã vạch biên lai thu hóa lần đầu đổi lại bổ sung \
điều chỉnh hủy bỏ thay thế xuất trình bản gốc phụ lục hai ba bốn năm sáu bảy tám chín mười trăm nghìn \
triệu tỷ mét vuông ranh giới mốc hướng bắc nam đông tây giáp liền kề trích đo đạc chỉnh lý biến động";

const ONSETS: &[&str] = &[
    "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "nh", "ph",
    "qu", "r", "s", "t", "th", "tr", "v", "x",
];
const RHYMES: &[&str] = &[
    "a", "ai", "ao", "au", "ay", "an", "ang", "anh", "am", "at", "ac", "ach", "ăn", "ăng", "ăm",
    "ăt", "ăc", "âu", "ây", "ân", "âng", "âm", "ât", "e", "em", "en", "eo", "et", "ê", "êm", "ên",
    "ênh", "êt", "êch", "i", "im", "in", "inh", "it", "ich", "iêu", "iên", "iêng", "iêt", "o",
    "oa", "oai", "oan", "oang", "oanh", "oat", "oc", "oi", "om", "on", "ong", "ô", "ôi", "ôm",
    "ôn", "ông", "ôt", "ôc", "ơ", "ơi", "ơm", "ơn", "ơt", "u", "ui", "um", "un", "ung", "ut", "uc",
    "uy", "uyên", "uyêt", "uân", "uôi", "uôn", "uông", "uôc", "ư", "ưa", "ưi", "ưng", "ưt", "ưc",
    "ươi", "ươn", "ương", "ươc", "y",
];
/// Each vowel with its six tones: ngang, sắc, huyền, hỏi, ngã, nặng.
const TONES: &[[char; 6]] = &[
    ['a', 'á', 'à', 'ả', 'ã', 'ạ'],
    ['ă', 'ắ', 'ằ', 'ẳ', 'ẵ', 'ặ'],
    ['â', 'ấ', 'ầ', 'ẩ', 'ẫ', 'ậ'],
    ['e', 'é', 'è', 'ẻ', 'ẽ', 'ẹ'],
    ['ê', 'ế', 'ề', 'ể', 'ễ', 'ệ'],
    ['i', 'í', 'ì', 'ỉ', 'ĩ', 'ị'],
    ['o', 'ó', 'ò', 'ỏ', 'õ', 'ọ'],
    ['ô', 'ố', 'ồ', 'ổ', 'ỗ', 'ộ'],
    ['ơ', 'ớ', 'ờ', 'ở', 'ỡ', 'ợ'],
    ['u', 'ú', 'ù', 'ủ', 'ũ', 'ụ'],
    ['ư', 'ứ', 'ừ', 'ử', 'ữ', 'ự'],
    ['y', 'ý', 'ỳ', 'ỷ', 'ỹ', 'ỵ'],
];

fn toned(v: char, tone: usize) -> Option<char> {
    TONES.iter().find(|t| t[0] == v).map(|t| t[tone])
}

/// A rhyme with a tone mark on the vowel that carries it.
fn with_tone(rhyme: &str, tone: usize) -> String {
    let chars: Vec<char> = rhyme.chars().collect();
    let vowels: Vec<usize> = (0..chars.len())
        .filter(|&i| toned(chars[i], 0).is_some())
        .collect();
    let marked = vowels
        .iter()
        .rev()
        .find(|&&i| "ăâêôơư".contains(chars[i]))
        .copied();
    let ends_in_consonant = toned(chars[chars.len() - 1], 0).is_none();
    let at = marked.unwrap_or(match vowels.len() {
        1 => vowels[0],
        _ if ends_in_consonant || rhyme == "oa" || rhyme == "uy" => vowels[1],
        _ => vowels[0],
    });
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            if i == at {
                toned(c, tone).unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

/// The syllables of running text, most frequent first, and the cumulative Zipf weights.
pub struct Vocabulary {
    pub words: Vec<String>,
    /// Words glued by OCR (a space not seen): each one rare, a few on every page.
    pub glued: Vec<String>,
    folded: Vec<String>,
    cumulative: Vec<f64>,
}

impl Vocabulary {
    pub fn new() -> Vocabulary {
        let mut seen = std::collections::HashSet::new();
        let mut words: Vec<String> = Vec::new();
        for w in COMMON.split_whitespace() {
            if seen.insert(w.to_string()) {
                words.push(w.to_string());
            }
        }
        let mut tail = Vec::new();
        for onset in ONSETS {
            for rhyme in RHYMES {
                let checked = ["p", "t", "c", "ch"].iter().any(|e| rhyme.ends_with(e));
                let tones: &[usize] = if checked {
                    &[1, 5]
                } else {
                    &[0, 1, 2, 3, 4, 5]
                };
                for &tone in tones {
                    let w = format!("{onset}{}", with_tone(rhyme, tone));
                    if seen.insert(w.clone()) {
                        tail.push(w);
                    }
                }
            }
        }
        // The tail in a fixed pseudo-random order, so that rare syllables are not all "x…".
        let mut rng = Rng(99);
        for i in (1..tail.len()).rev() {
            tail.swap(i, rng.below(i as u64 + 1) as usize);
        }
        words.extend(tail);
        let mut total = 0.0;
        let cumulative = (0..words.len())
            .map(|r| {
                // Zipf-Mandelbrot: the commonest syllable is some 2% of running text.
                total += 1.0 / ((r + 11) as f64).powf(1.1);
                total
            })
            .collect();
        let folded = words.iter().map(|w| sohoa_index::fold(w)).collect();
        let glued = (0..GLUED)
            .map(|_| {
                let a = &words[rng.below(words.len() as u64) as usize];
                let b = &words[rng.below(words.len() as u64) as usize];
                format!("{a}{b}")
            })
            .collect();
        Vocabulary {
            words,
            glued,
            folded,
            cumulative,
        }
    }

    /// A syllable drawn from the Zipf law; now and then without its marks (OCR noise).
    fn draw(&self, rng: &mut Rng) -> &str {
        let total = self.cumulative[self.cumulative.len() - 1];
        let x = rng.unit() * total;
        let r = self.cumulative.partition_point(|&c| c < x);
        let r = r.min(self.words.len() - 1);
        if rng.below(50) == 0 {
            &self.folded[r]
        } else {
            &self.words[r]
        }
    }

    /// The `count` syllables whose folded form (what a search matches) is rarest.
    pub fn rare(&self, count: usize) -> Vec<String> {
        let mut weight: std::collections::HashMap<&str, f64> = Default::default();
        let mut last = 0.0;
        for (f, c) in self.folded.iter().zip(&self.cumulative) {
            *weight.entry(f.as_str()).or_default() += c - last;
            last = *c;
        }
        let mut by_rarity: Vec<usize> = (0..self.words.len()).collect();
        by_rarity.sort_by(|&a, &b| {
            weight[self.folded[a].as_str()].total_cmp(&weight[self.folded[b].as_str()])
        });
        by_rarity.truncate(count);
        by_rarity
            .into_iter()
            .map(|i| self.words[i].clone())
            .collect()
    }
}

/// How many distinct glued words: with one or two a page, each is on some 75 pages of a
/// million.
const GLUED: usize = 20_000;

/// Appends a sentence of `n` running-text syllables.
fn sentence(out: &mut String, vocab: &Vocabulary, rng: &mut Rng, n: u64) {
    for k in 0..n {
        let w = vocab.draw(rng);
        if k == 0 {
            let mut c = w.chars();
            if let Some(first) = c.next() {
                out.extend(first.to_uppercase());
                out.push_str(c.as_str());
            }
        } else {
            out.push(' ');
            out.push_str(w);
        }
    }
    out.push_str(". ");
}

fn person(rng: &mut Rng) -> String {
    format!(
        "{} {} {}",
        rng.pick(SURNAMES),
        rng.pick(MIDDLE),
        rng.pick(GIVEN)
    )
}

/// `thôn Xuân Lan, xã Tân Hòa, huyện Đông Hà, tỉnh Bắc Sơn`.
fn address(rng: &mut Rng, place: &str) -> String {
    format!(
        "thôn {} {}, xã {place}, huyện {}, tỉnh {}",
        rng.pick(MIDDLE),
        rng.pick(GIVEN),
        rng.pick(PLACES),
        rng.pick(PLACES)
    )
}

fn date(rng: &mut Rng) -> (u64, u64, u64) {
    (1 + rng.below(28), 1 + rng.below(12), 1950 + rng.below(75))
}

/// A money amount written with dots: `125.000.000`.
fn amount(rng: &mut Rng) -> String {
    let millions = 1 + rng.below(3000);
    let s = (millions * 1_000_000).to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// What a procedure's forms hold: the form's title, its filled-in lines and the law cited.
struct FormKind {
    title: &'static str,
    lines: fn(&mut Rng, &str) -> Vec<String>,
    law: &'static str,
}

fn parcel(rng: &mut Rng) -> String {
    format!(
        "Thửa đất số {}, tờ bản đồ số {}, diện tích {},{} m2",
        1 + rng.below(2000),
        1 + rng.below(120),
        20 + rng.below(2000),
        rng.below(10)
    )
}

fn birth(rng: &mut Rng, place: &str) -> Vec<String> {
    let (d, m, y) = date(rng);
    vec![
        format!(
            "Họ, chữ đệm, tên người được khai sinh: {}",
            person(rng).to_uppercase()
        ),
        format!(
            "Ngày, tháng, năm sinh: {d:02}/{m:02}/{}; Giới tính: Nam",
            2000 + y % 25
        ),
        format!("Nơi sinh: Trạm y tế xã {place}"),
        "Dân tộc: Kinh; Quốc tịch: Việt Nam".into(),
        format!(
            "Họ và tên cha: {}; họ và tên mẹ: {}",
            person(rng),
            person(rng)
        ),
        "Quan hệ với người được khai sinh: cha".into(),
    ]
}

fn copy(rng: &mut Rng, _: &str) -> Vec<String> {
    vec![
        "Chứng thực bản sao này đúng với bản chính.".into(),
        format!(
            "Số chứng thực: {}, quyển số {}-SCT/BS",
            rng.below(9000),
            1 + rng.below(9)
        ),
        format!("Số trang của bản sao: {}", 1 + rng.below(6)),
    ]
}

fn extract(rng: &mut Rng, place: &str) -> Vec<String> {
    let (d, m, y) = date(rng);
    vec![
        "TRÍCH LỤC KHAI SINH (BẢN SAO)".into(),
        format!("Họ, chữ đệm, tên: {}", person(rng).to_uppercase()),
        format!("Ngày, tháng, năm sinh: {d:02}/{m:02}/{y}; nơi sinh: xã {place}"),
        format!("Số: {}, quyển số: {}", rng.below(900), 1 + rng.below(20)),
    ]
}

fn land(rng: &mut Rng, _: &str) -> Vec<String> {
    vec![
        parcel(rng),
        format!(
            "Mục đích sử dụng đất: đất ở tại nông thôn {} m2, đất trồng cây lâu năm {} m2",
            50 + rng.below(300),
            rng.below(1500)
        ),
        "Thời hạn sử dụng: lâu dài; nguồn gốc sử dụng: Nhà nước giao đất có thu tiền".into(),
        format!(
            "Giá chuyển nhượng: {} đồng (bằng chữ: {} triệu đồng)",
            amount(rng),
            1 + rng.below(900)
        ),
        format!(
            "Bên A (bên chuyển nhượng): ông {}; Bên B (bên nhận chuyển nhượng): bà {}",
            person(rng),
            person(rng)
        ),
    ]
}

fn organization(rng: &mut Rng, place: &str) -> Vec<String> {
    vec![
        format!(
            "Tên tổ chức: Công ty TNHH {} {}",
            rng.pick(GIVEN),
            rng.pick(PLACES)
        ),
        parcel(rng),
        format!("Địa chỉ trụ sở: {}", address(rng, place)),
        "Hình thức sử dụng: sử dụng riêng; mục đích sử dụng: đất cơ sở sản xuất".into(),
    ]
}

fn ledger(rng: &mut Rng, _: &str) -> Vec<String> {
    vec![
        "Bản sao được cấp từ sổ gốc".into(),
        format!("Sổ gốc số {}, năm {}", rng.below(500), 1990 + rng.below(35)),
    ]
}

fn business(rng: &mut Rng, place: &str) -> Vec<String> {
    vec![
        format!(
            "Tên hộ kinh doanh: {} {}",
            rng.pick(SURNAMES),
            rng.pick(GIVEN)
        ),
        format!("Địa điểm kinh doanh: {}", address(rng, place)),
        "Ngành, nghề kinh doanh: bán lẻ lương thực, thực phẩm".into(),
        format!("Vốn kinh doanh: {} đồng", amount(rng)),
        format!("Số lượng lao động: {}", 1 + rng.below(10)),
    ]
}

fn building(rng: &mut Rng, _: &str) -> Vec<String> {
    vec![
        parcel(rng),
        format!(
            "Diện tích xây dựng: {} m2; tổng diện tích sàn: {} m2",
            40 + rng.below(200),
            80 + rng.below(600)
        ),
        format!(
            "Số tầng: {}; chiều cao công trình: {},{} m",
            1 + rng.below(5),
            4 + rng.below(16),
            rng.below(10)
        ),
        "Cấp công trình: cấp III; kết cấu: khung bê tông cốt thép".into(),
    ]
}

fn marriage(rng: &mut Rng, place: &str) -> Vec<String> {
    let (d, m, y) = date(rng);
    vec![
        format!("Họ, chữ đệm, tên bên nữ: {}", person(rng).to_uppercase()),
        format!("Họ, chữ đệm, tên bên nam: {}", person(rng).to_uppercase()),
        format!("Ngày, tháng, năm sinh: {d:02}/{m:02}/{y}"),
        format!("Nơi cư trú: {}", address(rng, place)),
        "Kết hôn lần thứ: nhất".into(),
    ]
}

fn death(rng: &mut Rng, place: &str) -> Vec<String> {
    let (d, m, y) = date(rng);
    vec![
        format!(
            "Họ, chữ đệm, tên người đã chết: {}",
            person(rng).to_uppercase()
        ),
        format!(
            "Chết vào lúc {} giờ, ngày {d:02}/{m:02}/{}",
            rng.below(24),
            2000 + y % 25
        ),
        format!("Nơi chết: xã {place}; nguyên nhân chết: bệnh"),
        "Giấy báo tử số: 12/GBT".into(),
    ]
}

/// The forms of each procedure of `super::PROCEDURES`, in the same order.
const FORMS: &[FormKind] = &[
    FormKind { title: "TỜ KHAI ĐĂNG KÝ KHAI SINH", lines: birth, law: "Luật Hộ tịch ngày 20 tháng 11 năm 2014" },
    FormKind { title: "LỜI CHỨNG CỦA NGƯỜI THỰC HIỆN CHỨNG THỰC", lines: copy, law: "Nghị định số 23/2015/NĐ-CP về chứng thực bản sao từ bản chính" },
    FormKind { title: "TỜ KHAI CẤP BẢN SAO TRÍCH LỤC HỘ TỊCH", lines: extract, law: "Luật Hộ tịch ngày 20 tháng 11 năm 2014" },
    FormKind { title: "ĐƠN ĐĂNG KÝ, CẤP GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT", lines: land, law: "Luật Đất đai ngày 18 tháng 01 năm 2024" },
    FormKind { title: "ĐƠN ĐĂNG KÝ ĐẤT ĐAI CỦA TỔ CHỨC", lines: organization, law: "Luật Đất đai ngày 18 tháng 01 năm 2024" },
    FormKind { title: "ĐƠN ĐỀ NGHỊ CẤP BẢN SAO TỪ SỔ GỐC", lines: ledger, law: "Nghị định số 23/2015/NĐ-CP về cấp bản sao từ sổ gốc" },
    FormKind { title: "GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH", lines: business, law: "Nghị định số 01/2021/NĐ-CP về đăng ký doanh nghiệp" },
    FormKind { title: "ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG", lines: building, law: "Luật Xây dựng ngày 18 tháng 6 năm 2014" },
    FormKind { title: "TỜ KHAI ĐĂNG KÝ KẾT HÔN", lines: marriage, law: "Luật Hôn nhân và gia đình ngày 19 tháng 6 năm 2014" },
    FormKind { title: "TỜ KHAI ĐĂNG KÝ KHAI TỬ", lines: death, law: "Luật Hộ tịch ngày 20 tháng 11 năm 2014" },
];

/// The lines every form has: who asks, where they live, their numbers.
fn applicant(out: &mut String, case: &CaseDoc, rng: &mut Rng, place: &str) {
    let name = case.case.applicant_name.as_deref().unwrap_or_default();
    let id = case.case.applicant_id.as_deref().unwrap_or_default();
    let (d, m, y) = date(rng);
    out.push_str(&format!(
        "Họ, chữ đệm, tên người yêu cầu: {}\nNgày, tháng, năm sinh: {d:02}/{m:02}/{y}\n",
        name.to_uppercase()
    ));
    out.push_str(&format!("Nơi cư trú: {}\n", address(rng, place)));
    out.push_str(&format!("Số định danh cá nhân/CCCD: {id}\n"));
    out.push_str(&format!("Số điện thoại: 09{:08}\n", rng.below(100_000_000)));
}

/// A page of a case: its form (the first page, and some others), a copy of the identity
/// card, a receipt or the result (a decision), each with running text after it.
fn head(out: &mut String, case: &CaseDoc, n: u64, rng: &mut Rng, place: &str, agency: &str) {
    let form = super::PROCEDURES
        .iter()
        .position(|p| Some(p.0) == case.case.procedure_code.as_deref())
        .and_then(|i| FORMS.get(i))
        .unwrap_or(&FORMS[0]);
    let (d, m, y) = date(rng);
    let year = 2022 + y % 4;
    match if n == 1 { 0 } else { rng.below(5) } {
        0 | 1 => {
            out.push_str("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n");
            out.push_str(form.title);
            out.push_str(&format!("\nKính gửi: {}\n", agency.to_uppercase()));
            applicant(out, case, rng, place);
            for line in (form.lines)(rng, place) {
                out.push_str(&line);
                out.push('\n');
            }
            out.push_str("Tôi xin cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật về cam đoan của mình.\n");
            out.push_str(&format!(
                "{place}, ngày {d} tháng {m} năm {year}\nNgười yêu cầu\n"
            ));
        }
        2 => {
            let id = case.case.applicant_id.as_deref().unwrap_or_default();
            let name = case.case.applicant_name.as_deref().unwrap_or_default();
            out.push_str("CĂN CƯỚC CÔNG DÂN\nSố định danh cá nhân: ");
            out.push_str(id);
            out.push_str(&format!(
                "\nHọ, chữ đệm và tên: {}\nNgày sinh: {d:02}/{m:02}/{y}; Giới tính: Nữ; Quốc tịch: Việt Nam\nQuê quán: xã {}\nNơi thường trú: {}\nCó giá trị đến: {d:02}/{m:02}/{}\n",
                name.to_uppercase(),
                rng.pick(PLACES),
                address(rng, place),
                year + 15
            ));
        }
        3 => {
            out.push_str(&format!(
                "BIÊN LAI THU PHÍ, LỆ PHÍ\nKý hiệu: BL/{year}; Số: {:07}\nTên loại phí, lệ phí: lệ phí {}\nSố tiền: {} đồng\nNgày {d} tháng {m} năm {year}\n",
                rng.below(10_000_000),
                form.title.to_lowercase(),
                10_000 * (1 + rng.below(50))
            ));
        }
        _ => {
            out.push_str(&format!(
                "{}\nSố: {}/QĐ-UBND\nQUYẾT ĐỊNH\nCăn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\nCăn cứ {};\nXét đề nghị của công chức tư pháp - hộ tịch, địa chính xã;\nĐiều 1. Chấp thuận hồ sơ của ông (bà) {}.\nĐiều 2. Quyết định này có hiệu lực kể từ ngày ký.\nNơi nhận: Như Điều 2; Lưu: VT.\n",
                agency.to_uppercase(),
                rng.below(900),
                form.law,
                case.case.applicant_name.as_deref().unwrap_or_default(),
            ));
        }
    }
}

/// The OCR text of page `n` of a case: some 150 to 350 words.
pub fn page(case: &CaseDoc, n: u64, vocab: &Vocabulary, rng: &mut Rng) -> String {
    let agency = case.case.agency_name.as_deref().unwrap_or_default();
    let place = agency
        .strip_prefix("UBND xã ")
        .and_then(|p| p.rsplit_once(' ').map(|(p, _)| p))
        .unwrap_or(agency);
    let mut out = String::with_capacity(2400);
    head(&mut out, case, n, rng, place, agency);
    for _ in 0..1 + rng.below(2) {
        out.push_str(&vocab.glued[rng.below(GLUED as u64) as usize]);
        out.push_str(". ");
    }
    let words = 150 + rng.below(200);
    let mut have = out.split_ascii_whitespace().count() as u64;
    while have < words {
        let n = 8 + rng.below(14);
        sentence(&mut out, vocab, rng, n);
        have += n;
        if rng.below(4) == 0 {
            out.push('\n');
        }
    }
    out.push_str(&format!("\nTrang {n}"));
    out
}
