//! The interface's words, Vietnamese first and English second: one struct of strings per
//! language, so a template can only use a string both languages have (checked when built).
//! The language is a cookie (`lang=en`); without it, Vietnamese.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// The same language for the library crates' messages (`lang.pick(vi, en)`).
    pub fn archive(self) -> sohoa_archive::problem::Lang {
        match self {
            Lang::Vi => sohoa_archive::problem::Lang::Vi,
            Lang::En => sohoa_archive::problem::Lang::En,
        }
    }

    pub fn texts(self) -> &'static T {
        match self {
            Lang::Vi => &VI,
            Lang::En => &EN,
        }
    }

    /// The language of a request, from its `lang` cookie.
    pub fn of(headers: &axum::http::HeaderMap) -> Lang {
        let en = headers
            .get_all(axum::http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .any(|c| c.trim() == "lang=en");
        if en {
            Lang::En
        } else {
            Lang::Vi
        }
    }
}

macro_rules! texts {
    ($($key:ident: $vi:expr, $en:expr;)*) => {
        /// Every string of the interface.
        #[derive(Debug)]
        pub struct T { $(pub $key: &'static str,)* }
        pub static VI: T = T { $($key: $vi,)* };
        pub static EN: T = T { $($key: $en,)* };
    };
}

texts! {
    app: "sohoa – Kho lưu trữ hồ sơ số", "sohoa – digital case archive";
    other_lang: "English", "Tiếng Việt";
    other_lang_code: "en", "vi";
    nav_search: "Tìm kiếm", "Search";
    nav_audit: "Kiểm tra", "Audit";
    nav_reports: "Báo cáo", "Reports";
    nav_jobs: "Tác vụ", "Jobs";
    nav_users: "Người dùng", "Users";
    nav_log: "Nhật ký truy cập", "Access log";
    logout: "Đăng xuất", "Sign out";
    login_title: "Đăng nhập", "Sign in";
    login_name: "Tên đăng nhập", "User name";
    login_password: "Mật khẩu", "Password";
    login_button: "Đăng nhập", "Sign in";
    login_failed: "Sai tên đăng nhập hoặc mật khẩu.", "Wrong user name or password.";
    login_limited: "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút.", "Too many failed sign-ins. Please try again in 15 minutes.";
    search_placeholder: "Mã hồ sơ, tên người nộp, thủ tục, nội dung… (có dấu hoặc không dấu)", "Case code, applicant, procedure, page text… (with or without diacritics)";
    search_button: "Tìm", "Search";
    found_cases: "hồ sơ", "cases";
    found_hits: "kết quả", "hits";
    no_results: "Không tìm thấy hồ sơ nào.", "No case found.";
    filter_agency: "Cơ quan", "Agency";
    filter_sector: "Lĩnh vực", "Sector";
    filter_procedure: "Thủ tục", "Procedure";
    filter_channel: "Hình thức nộp", "Channel";
    filter_status: "Trạng thái", "Status";
    filter_year: "Năm tiếp nhận", "Year received";
    filter_from: "Từ ngày", "From";
    filter_to: "Đến ngày", "To";
    filter_clear: "Bỏ lọc", "Clear filters";
    sort: "Sắp xếp", "Sort";
    sort_relevance: "Phù hợp nhất", "Best match";
    sort_newest: "Mới tiếp nhận trước", "Newest first";
    sort_oldest: "Cũ trước", "Oldest first";
    page_word: "trang", "page";
    more_pages: "trang khác khớp", "more matching pages";
    previous: "Trước", "Previous";
    next: "Sau", "Next";
    export_csv: "Xuất CSV", "Export CSV";
    export_xlsx: "Xuất Excel", "Export Excel";
    applicant: "Người nộp", "Applicant";
    received: "Ngày tiếp nhận", "Received";
    due: "Hẹn trả", "Due";
    resolved: "Ngày giải quyết", "Resolved";
    returned: "Ngày trả kết quả", "Returned";
    pages: "Số trang", "Pages";
    case_code: "Mã hồ sơ", "Case code";
    title: "Tiêu đề", "Title";
    metadata: "Thông tin hồ sơ", "Case metadata";
    hoso_fields: "Thông tin lưu trữ (TT 05/2025)", "Archival description (TT 05/2025)";
    components: "Thành phần hồ sơ", "Documents";
    thumbnails: "Các trang", "Pages";
    viewer: "Xem hồ sơ", "Viewer";
    events: "Lịch sử bảo quản", "Preservation history";
    fixity: "Kiểm tra toàn vẹn", "Fixity";
    fixity_ok: "Toàn vẹn", "Intact";
    fixity_bad: "Có thay đổi hoặc thiếu tệp", "Changed or missing files";
    fixity_never: "Chưa kiểm tra lần nào", "Never checked";
    last_checked: "Lần kiểm tra gần nhất", "Last checked";
    versions: "Các phiên bản", "Versions";
    version: "Phiên bản", "Version";
    current: "hiện hành", "current";
    download: "Tải bản PDF/A", "Download PDF/A";
    record_sheet: "Phiếu tin hồ sơ (in)", "Record sheet (print)";
    reading_copy: "Bản đọc (TT 05/2025 Điều 37): không tải về", "Reading copy (TT 05/2025 art. 37): no download";
    open_page: "Mở trang", "Open page";
    not_found: "Không tìm thấy", "Not found";
    not_found_text: "Không có hồ sơ hoặc trang này, hoặc bạn không có quyền xem.", "No such case or page, or you may not see it.";
    forbidden: "Không có quyền", "Not allowed";
    forbidden_text: "Tài khoản của bạn không được làm việc này.", "Your account may not do this.";
    bad_request: "Yêu cầu không hợp lệ", "Bad request";
    back_to_search: "Về trang tìm kiếm", "Back to search";
    users_title: "Người dùng", "Users";
    user_add: "Thêm người dùng", "Add a user";
    role: "Vai trò", "Role";
    agency_code: "Mã cơ quan", "Agency code";
    status: "Trạng thái", "Status";
    active: "Đang hoạt động", "Active";
    disabled: "Đã khóa", "Disabled";
    disable: "Khóa", "Disable";
    enable: "Mở khóa", "Enable";
    grants: "Hồ sơ được phép xem (chế độ 02)", "Granted cases (mode 02)";
    grant: "Cho phép xem", "Grant";
    revoke: "Thu hồi", "Revoke";
    until: "Đến ngày", "Until";
    save: "Lưu", "Save";
    new_password: "Mật khẩu mới", "New password";
    log_title: "Nhật ký truy cập", "Access log";
    log_when: "Thời gian", "When";
    log_who: "Người dùng", "User";
    log_from: "Từ địa chỉ", "From";
    log_action: "Hành động", "Action";
    log_case: "Hồ sơ", "Case";
    log_detail: "Chi tiết", "Detail";
    log_chain_ok: "Chuỗi băm của nhật ký nguyên vẹn", "The log's hash chain is whole";
    log_chain_broken: "Nhật ký đã bị sửa hoặc xóa dòng, từ dòng", "The log was edited or lines removed, from line";
    filter: "Lọc", "Filter";
    all: "Tất cả", "All";
    done: "Đã lưu.", "Saved.";
    index_missing: "Chưa có chỉ mục tìm kiếm: chạy `sohoa reindex`.", "No search index yet: run `sohoa reindex`.";
    mode_label: "Chế độ sử dụng", "Access";
    cancel: "Hủy tác vụ", "Cancel the job";
    ingest_title: "Số hóa một thư mục quét", "Ingest a scan folder";
    no_sources: "Máy chủ chưa có thư mục quét nào (chạy sohoa serve với --source THƯ_MỤC).", "The server has no scan sources (start sohoa serve with --source DIR).";
    scan_folder: "Thư mục quét", "Scan folder";
    keep_originals: "Giữ cả tệp quét gốc trong túi", "Also keep the original scans in the bag";
    start: "Bắt đầu", "Start";
    history: "Lịch sử", "History";
    job_kind: "Loại", "Kind";
    job_subject: "Nội dung", "Subject";
    details: "Chi tiết", "Details";
    failures: "Hồ sơ lỗi", "Failures";
    time_left: "còn khoảng", "about";
    elapsed: "đã chạy", "elapsed";
    start_audit: "Kiểm tra kho (mẫu 10% toàn vẹn)", "Audit (10% fixity sample)";
    start_fixity: "Kiểm tra toàn vẹn toàn bộ", "Re-check fixity of every file";
    audited_at: "Lần kiểm tra gần nhất", "Last audit";
    criterion: "Tiêu chí", "Criterion";
    errors: "Lỗi", "Errors";
    warnings: "Cảnh báo", "Warnings";
    clean: "không vấn đề", "clean";
    findings: "Các phát hiện (lỗi trước)", "Findings (errors first)";
    severity: "Mức", "Severity";
    see_csv: "xem đủ trong tệp CSV của tác vụ", "see the job's CSV for all";
    no_audit: "Chưa có lần kiểm tra nào: bấm nút ở trên để bắt đầu.", "No audit yet: start one with the button above.";
    report_title: "Báo cáo Biểu 06", "Biểu 06 report";
    make_report: "Lập báo cáo", "Make the report";
    id_number: "Số CCCD/CMND", "Identity number";
    procedure_code: "Mã thủ tục (TTHC)", "Procedure code";
    queue_title: "Hàng đợi xử lý (nhiều máy)", "Job queue (many machines)";
    queue_unreachable: "Không kết nối được hàng đợi", "The job queue cannot be reached";
    queue_batch: "Lô (thư mục quét)", "Batch (scan folder)";
    queue_queued: "Chờ", "Queued";
    queue_running: "Đang xử lý", "Running";
    queue_done: "Xong", "Done";
    queue_parked: "Tạm gác", "Parked";
    queue_retrying: "Chờ thử lại", "Waiting to retry";
    queue_total: "Tổng", "Total";
    queue_rate: "hồ sơ xong trong phút vừa qua", "cases done in the last minute";
    queue_workers: "Máy xử lý", "Workers";
    queue_heartbeat: "báo gần nhất (giây trước)", "last heartbeat (seconds ago)";
    queue_lost: "không còn trả lời: hồ sơ sẽ được máy khác nhận", "not answering: its cases will be taken again";
    queue_parked_title: "Hồ sơ tạm gác (cần xử lý rồi chạy sohoa queue retry)", "Parked cases (fix, then run sohoa queue retry)";
    queue_case: "Hồ sơ", "Case";
    queue_attempts: "Lần thử", "Attempts";
    queue_error: "Lỗi", "Error";
}
