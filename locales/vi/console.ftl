# hotline console — Tiếng Việt
# needs_native_review: bản dịch do nhóm phát triển viết; người bản ngữ cần kiểm tra trước khi dùng thật.

## Layout and navigation
skip-to-content = Chuyển đến nội dung
nav-label = Menu chính
nav-queue = Hàng chờ
nav-phone-report = Ghi cuộc gọi
nav-all-cases = Tất cả hồ sơ
nav-settings = Cài đặt của tôi
search-label = Tìm hồ sơ theo mã hoặc số điện thoại
search-placeholder = HL-… hoặc số điện thoại
search-button = Tìm
sign-out = Đăng xuất
shortcuts-button = Phím tắt
shortcuts-title = Phím tắt
shortcut-claim-next = Nhận hồ sơ tiếp theo
shortcut-reply = Viết trả lời (trang hồ sơ)
shortcut-note = Thêm ghi chú (trang hồ sơ)
shortcut-search = Tìm hồ sơ
shortcut-queue = Về hàng chờ
shortcut-help = Hiện danh sách này
close = Đóng
none = không có
actor-system = hệ thống
bytes = { $count } byte

## Notices
unavailable-title = Tạm thời không dùng được
database-unavailable = Cơ sở dữ liệu không phản hồi. Không mất dữ liệu; vui lòng thử lại sau giây lát.
sessions-unavailable = Đăng nhập cần Redis, hiện không dùng được. Tiếp nhận và API vẫn hoạt động; hãy báo quản trị viên.
not-found-title = Không tìm thấy
case-not-found = Không có hồ sơ này.
supervisors-only = Chỉ trưởng ca mới xem được tất cả hồ sơ.

## Sign-in
login-title = Đăng nhập
login-email = Email
login-password = Mật khẩu
login-submit = Đăng nhập
login-expired = Biểu mẫu đã hết hạn. Vui lòng đăng nhập lại.
login-rate-limited = Thử quá nhiều lần. Hãy đợi vài phút rồi thử lại.
login-wrong = Email hoặc mật khẩu không đúng.

## Queue
queue-title = Hàng chờ
queue-caption = Hồ sơ đang mở, khẩn cấp nhất trước
queue-empty = Không có hồ sơ nào đang chờ.
claim-next = Nhận hồ sơ tiếp theo
claim-prefers = Hồ sơ bằng { $languages } được ưu tiên khi không có hồ sơ nào quá hạn.
mine-title = Hồ sơ bạn đang giữ ({ $count })
unread = { $count } tin nhắn mới
held-until = giữ đến { $time }
col-case = Hồ sơ
col-level = Mức độ
col-indicators = Dấu hiệu
col-language = Ngôn ngữ
col-channel = Kênh
col-status = Trạng thái
col-waiting = Thời gian chờ
col-held-by = Người giữ
col-opened = Mở lúc
raised-from = nâng từ mức { $level } vì chờ lâu
waiting-minutes = đã chờ { $minutes } phút
waiting-overdue = đã chờ { $minutes } phút · quá hạn { $over } phút

## Levels
level-critical = Nguy cấp
level-high = Cao
level-medium = Trung bình
level-low = Thấp

## Indicators
flag-minor = Dưới 18 tuổi
flag-confinement = Bị giam giữ
flag-threat_violence = Bị đe dọa hoặc bạo lực
flag-weapon = Có vũ khí
flag-injury_medical = Bị thương hoặc ốm
flag-self_harm = Có ý nghĩ tự hại
flag-pregnancy = Đang mang thai
flag-abroad = Ở nước ngoài
flag-at_sea = Ở trên biển
flag-scam_compound = Trong trại lừa đảo
flag-documents_seized = Bị giữ giấy tờ
flag-debt_bondage = Bị trói buộc bằng nợ
flag-unpaid_wages = Không được trả lương
flag-sexual_exploitation = Bị bóc lột tình dục
flag-forced_labour = Lao động cưỡng bức
flag-forced_marriage = Cưỡng ép kết hôn
flag-missing_person = Người mất tích
flag-official_involvement = Có quan chức liên quan
flag-deceptive_recruitment = Tuyển dụng lừa đảo
flag-in_transit = Đang bị đưa đi

## Statuses
status-new = Mới
status-in_progress = Đang xử lý
status-waiting = Chờ người báo tin
status-referred = Đã chuyển tiếp
status-closed = Đã đóng

## Who is calling
caller-victim = Chính người gặp nguy
caller-relative = Người thân
caller-friend = Bạn bè
caller-coworker = Đồng nghiệp
caller-professional = Người làm nghề (tổ chức, công an, y tế)
caller-anonymous = Ẩn danh

## Closing reasons
closing-resolved = Đã giải quyết
closing-referred_elsewhere = Chuyển nơi khác
closing-no_further_contact = Không thể liên lạc tiếp
closing-not_trafficking = Không phải mua bán người
closing-duplicate = Trùng hồ sơ khác
closing-test_or_prank = Thử hoặc đùa
closing-reporter_withdrew = Người báo tin rút lại

## Channels
channel-phone = Điện thoại
channel-telegram = Telegram
channel-line = LINE
channel-email = Email

## Roles
role-counselor = tư vấn viên
role-supervisor = trưởng ca
role-admin = quản trị viên

## Countries
country-TH = Thái Lan
country-LA = Lào
country-KH = Campuchia
country-MM = Myanmar
country-VN = Việt Nam
country-CN = Trung Quốc
country-MY = Malaysia
country-SG = Singapore
country-ID = Indonesia
country-PH = Philippines
country-JP = Nhật Bản
country-KR = Hàn Quốc
country-TW = Đài Loan
country-AE = Các Tiểu vương quốc Ả Rập Thống nhất

## Case page
case-title = Hồ sơ { $reference }
summary-title = Tóm tắt
status-label = Trạng thái
held-by-label = Người giữ
held-by-nobody = chưa ai
raised-to = trong hàng chờ tính là { $level } (chờ quá hạn)
lease-warning = Quyền giữ hồ sơ này sắp hết. Hãy giữ tiếp, nếu không hồ sơ sẽ trở lại hàng chờ.
lease-keep = Giữ tiếp
action-claim = Nhận hồ sơ này
action-renew = Gia hạn giữ
action-release = Trả về hàng chờ
fact-caller = Người gọi
fact-language = Ngôn ngữ
fact-where = Nơi ở
fact-quick-answers = Trả lời nhanh (có)
fact-contact-rules = Quy tắc liên lạc
fact-callback = Gọi lại
callback-none = không để lại số
rule-never-first = Không bao giờ liên lạc trước
rule-may-contact = Có thể liên lạc trước
rule-channels = chỉ qua { $channels }
rule-safe-hours = giờ an toàn { $hours }
rule-no-voicemail = không để lại lời nhắn thoại
rule-voicemail-ok = được để lại lời nhắn thoại
conversation-title = Cuộc trò chuyện qua { $channel }
report-title = Nội dung báo tin
bot-messages = { $count } tin nhắn từ bot
tapped-answer = người báo tin tự chọn
quoted-text = văn bản trích dẫn
file-not-stored = không lưu tệp
author-reporter = Người báo tin
author-bot = Bot
author-counselor = Tư vấn viên
delivery-received = đã nhận
delivery-queued = đang gửi…
delivery-sent = đã gửi
delivery-failed = gửi không được
delivery-cancelled = không gửi (quy tắc liên lạc an toàn)
scripts-label = Mẫu câu an toàn ({ $language })
scripts-need-review = các mẫu câu này vẫn cần người bản ngữ kiểm tra
script-introduce = Giới thiệu bản thân
script-check-safety = Hỏi xem có an toàn không
script-delete-chat = Gợi ý xóa cuộc trò chuyện
script-callback-ok = Hỏi có thể gọi lại không
script-closing = Kết thúc cuộc trò chuyện
reply-label = Trả lời qua { $channel }
reply-send = Gửi
reply-forbidden = Hiện không thể gửi: { $reason }
reply-forbidden-blocked = trưởng ca đã chặn cuộc trò chuyện này; tin nhắn được lưu nhưng không trả lời.
reply-forbidden-unreachable = người này đã chặn bot hoặc rời cuộc trò chuyện; không gửi được.
reply-forbidden-stopped = người này đã yêu cầu dừng; hãy đợi họ nhắn lại.
reply-forbidden-channel = người này không cho phép liên lạc qua kênh này.
reply-forbidden-never-first = người này yêu cầu không liên lạc trước và gần đây không nhắn; hãy đợi họ nhắn.
chat-block = Chặn cuộc trò chuyện
chat-unblock = Bỏ chặn
phone-case-callback = Hồ sơ này đến qua điện thoại: chỉ gọi lại theo quy tắc liên lạc.
why-title = Vì sao ở mức này
reason-in-words = theo lời người báo tin:
reason-tapped = người này trả lời "có" trong cuộc trò chuyện
reason-caller-said = người gọi trả lời "có"
override-by = { $who } đặt mức { $level }
override-rules-said = hệ thống đánh giá { $level }
urgency-change = Đổi mức độ
urgency-reason = Lý do
urgency-set = Đặt mức
notes-title = Ghi chú
note-label = Ghi chú mới
note-add = Thêm ghi chú
status-title = Trạng thái
status-new-label = Trạng thái mới
closing-reason-label = Lý do đóng
status-change = Đổi trạng thái
links-title = Hồ sơ liên kết (cùng một người; không tự động)
links-none = Không có hồ sơ liên kết.
link-label = Cùng người với hồ sơ
link-add = Liên kết
unlink = Bỏ liên kết { $reference }
history-title = Lịch sử
history-case-opened = Mở hồ sơ
history-case-claimed = Nhận hồ sơ
history-case-released = Trả về hàng chờ
history-case-note-added = Thêm ghi chú
history-case-status-changed = Đổi trạng thái
history-case-message-sent = Gửi tin cho người báo tin
history-case-linked = Liên kết với hồ sơ khác
history-case-unlinked = Bỏ liên kết
history-case-urgency-overridden = Tư vấn viên đổi mức độ
history-case-reassessed = Đánh giá lại từ tin nhắn mới
history-chat-blocked = Chặn cuộc trò chuyện
history-chat-unblocked = Bỏ chặn cuộc trò chuyện
history-chat-stopped = Người này yêu cầu bot dừng
history-attachment-downloaded = Tải tệp xuống

## Phone report form
phone-title = Ghi cuộc gọi
phone-who = Cuộc gọi
phone-caller = Ai đang gọi
phone-language = Ngôn ngữ cuộc gọi
phone-where = Người gặp nguy đang ở đâu
phone-country = Quốc gia
phone-country-unknown = Không rõ
phone-area = Tỉnh hoặc thành phố
phone-area-hint = Chọn gợi ý hoặc gõ bất kỳ địa điểm nào.
phone-what = Chuyện gì đang xảy ra
phone-narrative = Theo lời người gọi
phone-quick = Câu hỏi nhanh
question-minor = Có ai dưới 18 tuổi không?
question-confinement = Người đó có bị giam giữ không?
question-documents_seized = Giấy tờ có bị lấy mất không?
question-debt_bondage = Họ có nợ chủ không?
question-injury_medical = Họ có bị thương hoặc ốm không?
question-threat_violence = Họ có bị đe dọa không?
question-abroad = Họ có ở nước ngoài không?
question-at_sea = Họ có ở trên biển không?
answer-unknown = Không rõ
answer-yes = Có
answer-no = Không
phone-callback = Gọi lại
phone-callback-name = Tên muốn được gọi
phone-callback-phone = Số điện thoại
phone-safe-hours = Khi nào gọi an toàn
phone-never-first = Không bao giờ liên lạc trước
phone-no-voicemail = Không để lời nhắn thoại
phone-save = Lưu báo cáo
phone-saved = Đã lưu với mã

## Supervisor's list
all-cases-title = Tất cả hồ sơ
all-cases-caption = Mọi hồ sơ, mới nhất trước
filter-any = tất cả
filter-apply = Lọc

## Search
search-title = Tìm hồ sơ
search-explain = Tìm theo mã hồ sơ (HL-8F3K2) hoặc số điện thoại gọi lại. Mỗi lần tìm đều được ghi vào nhật ký kiểm tra.
search-none = Không có hồ sơ phù hợp.

## My settings
settings-title = Cài đặt của tôi
settings-console-language = Ngôn ngữ giao diện
settings-languages = Ngôn ngữ tôi có thể nói chuyện
settings-languages-hint = "Nhận hồ sơ tiếp theo" sẽ ưu tiên hồ sơ bằng các ngôn ngữ này, trừ khi có hồ sơ khác đã quá hạn.
settings-save = Lưu

## Words the page script uses
js-request-failed = Yêu cầu không thành công ({ $status }). Vui lòng thử lại.
js-nothing-waiting = Không có hồ sơ nào đang chờ.
js-saving = Đang lưu…
js-saved = Đã lưu.
js-new-critical = Hồ sơ nguy cấp mới { $reference }
js-lease-left = Quyền giữ còn { $time }
js-lease-ending = Quyền giữ còn { $time }. Giữ tiếp?
js-lease-lost = Quyền giữ hồ sơ đã hết; hồ sơ trở lại hàng chờ. Nhận lại để tiếp tục.
js-earlier-cases = Hồ sơ trước với số này (đánh dấu để liên kết; không tự động liên kết):
js-live-on = Cập nhật trực tiếp đang bật.
js-live-off = Cập nhật trực tiếp tạm dừng; trang sẽ làm mới khi bạn quay lại.
js-updated = Đã cập nhật.

# Safe contact and callbacks (issue 13)
nav-my-callbacks = Cuộc gọi lại của tôi
safe-title = Liên lạc an toàn
safe-code-word = Mật khẩu (hỏi trước khi nói bất cứ điều gì)
safe-cover-story = Câu chuyện che chắn
safe-secrets-hidden = Mật khẩu và câu chuyện che chắn chỉ hiện cho người đang giữ hồ sơ.
safe-windows = Giờ an toàn
safe-any-time = bất cứ lúc nào
safe-times-unclear = Không đọc được giờ từ lời của họ: hãy đặt giờ an toàn trước khi ai đó liên lạc trước.
safe-own-words = Theo lời của họ
safe-updated = Ghi lúc { $when }
callbacks-title = Cuộc gọi lại
callbacks-none = Không có cuộc gọi lại.
callback-overdue = quá hạn
my-callbacks-title = Cuộc gọi lại của tôi
my-callbacks-none = Không có cuộc gọi lại nào của bạn.
history-case-safe-contact-changed = Đã đổi quy tắc liên lạc an toàn
history-callback-scheduled = Đã hẹn gọi lại
history-callback-attempted = Đã thử gọi lại
history-callback-approved = Cuộc gọi nhỡ: đã duyệt gọi lại
history-callback-dismissed = Đã bỏ cuộc gọi nhỡ
history-callback-missed-call = Cuộc gọi nhỡ từ hệ thống điện thoại
history-callback-follow-ups-planned = Đã lên kế hoạch theo dõi
