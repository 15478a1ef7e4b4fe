# hotline console — ภาษาไทย
# ครบทุกคีย์ตามไฟล์ภาษาอังกฤษ เขียนสำหรับเจ้าหน้าที่สายด่วน (ผู้พัฒนาเขียน ยังไม่ผ่านการตรวจโดยเจ้าหน้าที่เจ้าของภาษา)

## Layout and navigation
skip-to-content = ข้ามไปยังเนื้อหา
nav-label = เมนูหลัก
nav-queue = คิวเคส
nav-phone-report = บันทึกสายโทรเข้า
nav-all-cases = เคสทั้งหมด
nav-settings = ตั้งค่าของฉัน
search-label = ค้นหาเคสด้วยเลขอ้างอิงหรือเบอร์โทร
search-placeholder = HL-… หรือเบอร์โทร
search-button = ค้นหา
sign-out = ออกจากระบบ
shortcuts-button = ปุ่มลัด
shortcuts-title = ปุ่มลัดแป้นพิมพ์
shortcut-claim-next = รับเคสถัดไป
shortcut-reply = พิมพ์ข้อความตอบ (หน้าเคส)
shortcut-note = เพิ่มบันทึก (หน้าเคส)
shortcut-search = ค้นหาเคส
shortcut-queue = ไปที่คิวเคส
shortcut-help = แสดงรายการนี้
close = ปิด
none = ไม่มี
actor-system = ระบบ
bytes = { $count } ไบต์

## Notices
unavailable-title = ใช้งานไม่ได้ชั่วคราว
database-unavailable = ฐานข้อมูลไม่ตอบสนอง ข้อมูลไม่สูญหาย กรุณาลองใหม่อีกครั้งในอีกสักครู่
sessions-unavailable = การเข้าสู่ระบบต้องใช้ Redis ซึ่งขณะนี้ใช้งานไม่ได้ การรับแจ้งเหตุและ API ยังทำงานตามปกติ กรุณาแจ้งผู้ดูแลระบบ
not-found-title = ไม่พบหน้านี้
case-not-found = ไม่พบเคสนี้
supervisors-only = เฉพาะหัวหน้าเวรเท่านั้นที่ดูเคสทั้งหมดได้

## Sign-in
login-title = เข้าสู่ระบบ
login-email = อีเมล
login-password = รหัสผ่าน
login-submit = เข้าสู่ระบบ
login-expired = แบบฟอร์มหมดอายุแล้ว กรุณาเข้าสู่ระบบอีกครั้ง
login-rate-limited = ลองหลายครั้งเกินไป กรุณารอสักครู่แล้วลองใหม่
login-wrong = อีเมลหรือรหัสผ่านไม่ถูกต้อง

## Queue
queue-title = คิวเคส
queue-caption = เคสที่เปิดอยู่ เรียงจากเร่งด่วนที่สุด
queue-empty = ไม่มีเคสรอในคิว
claim-next = รับเคสถัดไป
claim-prefers = เคสภาษา{ $languages }จะมาก่อน หากไม่มีเคสใดรอเกินเวลาเป้าหมาย
mine-title = เคสที่คุณดูแลอยู่ ({ $count })
unread = ข้อความใหม่ { $count } ข้อความ
held-until = ดูแลได้ถึง { $time }
col-case = เคส
col-level = ระดับ
col-indicators = ข้อบ่งชี้
col-language = ภาษา
col-channel = ช่องทาง
col-status = สถานะ
col-waiting = เวลารอ
col-held-by = ผู้ดูแล
col-opened = เปิดเมื่อ
raised-from = เลื่อนขึ้นจากระดับ{ $level } เพราะรอนาน
waiting-minutes = รอมา { $minutes } นาที
waiting-overdue = รอมา { $minutes } นาที · เกินเวลา { $over } นาที

## Levels
level-critical = วิกฤต
level-high = สูง
level-medium = ปานกลาง
level-low = ต่ำ

## Indicators
flag-minor = อายุต่ำกว่า 18 ปี
flag-confinement = ถูกกักขังหรือขังไว้
flag-threat_violence = ถูกข่มขู่หรือทำร้าย
flag-weapon = มีอาวุธ
flag-injury_medical = บาดเจ็บหรือเจ็บป่วย
flag-self_harm = มีความคิดทำร้ายตัวเอง
flag-pregnancy = ตั้งครรภ์
flag-abroad = อยู่ต่างประเทศ
flag-at_sea = อยู่กลางทะเล
flag-scam_compound = อยู่ในแก๊งคอลเซ็นเตอร์
flag-documents_seized = ถูกยึดเอกสาร
flag-debt_bondage = ถูกบังคับใช้หนี้
flag-unpaid_wages = ไม่ได้รับค่าจ้าง
flag-sexual_exploitation = ถูกแสวงประโยชน์ทางเพศ
flag-forced_labour = ถูกบังคับใช้แรงงาน
flag-forced_marriage = ถูกบังคับแต่งงาน
flag-missing_person = บุคคลสูญหาย
flag-official_involvement = เจ้าหน้าที่รัฐเกี่ยวข้อง
flag-deceptive_recruitment = ถูกหลอกไปทำงาน
flag-in_transit = กำลังถูกพาตัวไป

## Statuses
status-new = ใหม่
status-in_progress = กำลังดำเนินการ
status-waiting = รอผู้แจ้งติดต่อกลับ
status-referred = ส่งต่อแล้ว
status-closed = ปิดเคสแล้ว

## Who is calling
caller-victim = ผู้เสียหายเอง
caller-relative = ญาติ
caller-friend = เพื่อน
caller-coworker = เพื่อนร่วมงาน
caller-professional = ผู้ปฏิบัติงาน (องค์กร ตำรวจ สาธารณสุข)
caller-anonymous = ไม่ประสงค์ออกนาม

## Closing reasons
closing-resolved = แก้ไขเรียบร้อย
closing-referred_elsewhere = ส่งต่อหน่วยงานอื่น
closing-no_further_contact = ติดต่อต่อไม่ได้
closing-not_trafficking = ไม่ใช่การค้ามนุษย์
closing-duplicate = ซ้ำกับเคสอื่น
closing-test_or_prank = ทดสอบหรือแจ้งเล่น
closing-reporter_withdrew = ผู้แจ้งขอถอนเรื่อง

## Channels
channel-phone = โทรศัพท์
channel-telegram = Telegram
channel-line = LINE
channel-email = อีเมล

## Roles
role-counselor = เจ้าหน้าที่ให้คำปรึกษา
role-supervisor = หัวหน้าเวร
role-admin = ผู้ดูแลระบบ

## Countries
country-TH = ไทย
country-LA = ลาว
country-KH = กัมพูชา
country-MM = เมียนมา
country-VN = เวียดนาม
country-CN = จีน
country-MY = มาเลเซีย
country-SG = สิงคโปร์
country-ID = อินโดนีเซีย
country-PH = ฟิลิปปินส์
country-JP = ญี่ปุ่น
country-KR = เกาหลีใต้
country-TW = ไต้หวัน
country-AE = สหรัฐอาหรับเอมิเรตส์

## Case page
case-title = เคส { $reference }
summary-title = สรุปเคส
status-label = สถานะ
held-by-label = ผู้ดูแล
held-by-nobody = ยังไม่มีผู้ดูแล
raised-to = ในคิวนับเป็นระดับ{ $level } (รอเกินเวลาเป้าหมาย)
lease-warning = สิทธิ์ดูแลเคสนี้ของคุณใกล้หมดแล้ว กดดูแลต่อ มิฉะนั้นเคสจะกลับเข้าคิว
lease-keep = ดูแลต่อ
action-claim = รับเคสนี้
action-renew = ต่อเวลาดูแล
action-release = คืนเคสเข้าคิว
fact-caller = ผู้โทรแจ้ง
fact-language = ภาษา
fact-where = สถานที่
fact-quick-answers = คำตอบด่วน (ใช่)
fact-contact-rules = เงื่อนไขการติดต่อ
fact-callback = การโทรกลับ
callback-none = ไม่ได้ให้เบอร์ไว้
rule-never-first = ห้ามติดต่อไปก่อน
rule-may-contact = ติดต่อไปก่อนได้
rule-channels = ติดต่อได้ทาง{ $channels }เท่านั้น
rule-safe-hours = เวลาที่สะดวก { $hours }
rule-no-voicemail = ห้ามฝากข้อความเสียง
rule-voicemail-ok = ฝากข้อความเสียงได้
conversation-title = บทสนทนาทาง { $channel }
report-title = รายละเอียดที่แจ้ง
bot-messages = ข้อความจากบอท { $count } ข้อความ
tapped-answer = ผู้แจ้งกดเลือกเอง
quoted-text = ข้อความที่อ้างถึง
file-not-stored = ไม่ได้เก็บไฟล์
author-reporter = ผู้แจ้ง
author-bot = บอท
author-counselor = เจ้าหน้าที่
delivery-received = ได้รับแล้ว
delivery-queued = กำลังส่ง…
delivery-sent = ส่งแล้ว
delivery-failed = ส่งไม่สำเร็จ
delivery-cancelled = ไม่ได้ส่ง (กฎการติดต่ออย่างปลอดภัย)
scripts-label = ข้อความช่วยเหลือสำเร็จรูป ({ $language })
scripts-need-review = ข้อความเหล่านี้ยังต้องให้เจ้าของภาษาตรวจ
script-introduce = แนะนำตัว
script-check-safety = ถามว่าปลอดภัยไหม
script-delete-chat = แนะนำให้ลบแชต
script-callback-ok = ถามว่าโทรกลับได้ไหม
script-closing = ปิดการสนทนา
reply-label = ตอบทาง { $channel }
reply-send = ส่ง
reply-forbidden = ตอนนี้ส่งข้อความไม่ได้: { $reason }
reply-forbidden-blocked = หัวหน้าเวรบล็อกแชตนี้ไว้ ข้อความจะถูกเก็บไว้แต่ไม่มีการตอบ
reply-forbidden-unreachable = ผู้แจ้งบล็อกบอทหรือออกจากแชตแล้ว ส่งข้อความไม่ได้
reply-forbidden-stopped = ผู้แจ้งขอให้หยุดส่งข้อความ รอจนกว่าเขาจะทักมาอีกครั้ง
reply-forbidden-channel = ผู้แจ้งไม่อนุญาตให้ติดต่อทางช่องทางนี้
reply-forbidden-never-first = ผู้แจ้งขอไม่ให้ติดต่อไปก่อน และไม่ได้ทักมาในช่วงนี้ รอจนกว่าเขาจะทักมา
chat-block = บล็อกแชตนี้
chat-unblock = ยกเลิกการบล็อก
phone-case-callback = เคสนี้มาทางโทรศัพท์ โทรกลับได้ตามเงื่อนไขการติดต่อเท่านั้น
why-title = ทำไมจึงเร่งด่วนระดับนี้
reason-in-words = จากคำพูดของผู้แจ้ง:
reason-tapped = ผู้แจ้งตอบ "ใช่" ในแชต
reason-caller-said = ผู้โทรตอบว่า "ใช่"
override-by = { $who } ปรับระดับเป็น{ $level }
override-rules-said = ระบบประเมินไว้ที่ระดับ{ $level }
urgency-change = ปรับระดับความเร่งด่วน
urgency-reason = เหตุผล
urgency-set = บันทึกระดับ
notes-title = บันทึกของเจ้าหน้าที่
note-label = บันทึกใหม่
note-add = เพิ่มบันทึก
status-title = สถานะเคส
status-new-label = เปลี่ยนเป็น
closing-reason-label = เหตุผลที่ปิดเคส
status-change = เปลี่ยนสถานะ
links-title = เคสที่เชื่อมโยง (บุคคลเดียวกัน ไม่เชื่อมอัตโนมัติ)
links-none = ไม่มีเคสที่เชื่อมโยง
link-label = เป็นบุคคลเดียวกับเคส
link-add = เชื่อมโยง
unlink = ยกเลิกการเชื่อมกับ { $reference }
history-title = ประวัติ
history-case-opened = เปิดเคส
history-case-claimed = รับเคส
history-case-released = คืนเคสเข้าคิว
history-case-note-added = เพิ่มบันทึก
history-case-status-changed = เปลี่ยนสถานะ
history-case-message-sent = ส่งข้อความถึงผู้แจ้ง
history-case-linked = เชื่อมกับเคสอื่น
history-case-unlinked = ยกเลิกการเชื่อมโยง
history-case-urgency-overridden = เจ้าหน้าที่ปรับระดับ
history-case-reassessed = ประเมินระดับใหม่จากข้อความล่าสุด
history-chat-blocked = บล็อกแชต
history-chat-unblocked = ยกเลิกการบล็อกแชต
history-chat-stopped = ผู้แจ้งขอให้บอทหยุด
history-attachment-downloaded = ดาวน์โหลดไฟล์

## Phone report form
phone-title = บันทึกสายโทรเข้า
phone-who = ข้อมูลสาย
phone-caller = ผู้โทรเป็นใคร
phone-language = ภาษาที่ใช้คุย
phone-where = ผู้ที่ตกอยู่ในความเสี่ยงอยู่ที่ไหน
phone-country = ประเทศ
phone-country-unknown = ไม่ทราบ
phone-area = จังหวัดหรือเมือง
phone-area-hint = เลือกจากรายการ หรือพิมพ์สถานที่เองก็ได้
phone-what = เกิดอะไรขึ้น
phone-narrative = ตามคำบอกเล่าของผู้โทร
phone-quick = คำถามด่วน
question-minor = มีผู้ที่อายุต่ำกว่า 18 ปีเกี่ยวข้องไหม
question-confinement = ถูกกักขังหรือขังไว้ไหม
question-documents_seized = ถูกยึดเอกสารไหม
question-debt_bondage = ติดหนี้นายจ้างไหม
question-injury_medical = บาดเจ็บหรือเจ็บป่วยไหม
question-threat_violence = ถูกข่มขู่ไหม
question-abroad = อยู่ต่างประเทศไหม
question-at_sea = อยู่กลางทะเลไหม
answer-unknown = ไม่ทราบ
answer-yes = ใช่
answer-no = ไม่ใช่
phone-callback = การโทรกลับ
phone-callback-name = ชื่อที่ให้เรียก
phone-callback-phone = เบอร์โทร
phone-safe-hours = เวลาที่โทรกลับได้อย่างปลอดภัย
phone-never-first = ห้ามติดต่อไปก่อน
phone-no-voicemail = ห้ามฝากข้อความเสียง
phone-save = บันทึกรายงาน
phone-saved = บันทึกแล้ว เลขเคส

## Supervisor's list
all-cases-title = เคสทั้งหมด
all-cases-caption = ทุกเคส เรียงจากใหม่ไปเก่า
filter-any = ทั้งหมด
filter-apply = กรอง

## Search
search-title = ค้นหาเคส
search-explain = ค้นหาด้วยเลขอ้างอิงเคส (HL-8F3K2) หรือเบอร์โทรกลับ ทุกการค้นหาจะถูกบันทึกในประวัติการใช้งาน
search-none = ไม่พบเคสที่ตรงกัน

## My settings
settings-title = ตั้งค่าของฉัน
settings-console-language = ภาษาของหน้าจอ
settings-languages = ภาษาที่ฉันใช้คุยได้
settings-languages-hint = ปุ่ม "รับเคสถัดไป" จะให้เคสในภาษาเหล่านี้ก่อน เว้นแต่มีเคสอื่นรอเกินเวลาเป้าหมาย
settings-save = บันทึก

## Words the page script uses
js-request-failed = ส่งคำขอไม่สำเร็จ ({ $status }) กรุณาลองใหม่
js-nothing-waiting = ไม่มีเคสรออยู่
js-saving = กำลังบันทึก…
js-saved = บันทึกแล้ว
js-new-critical = เคสวิกฤตใหม่ { $reference }
js-lease-left = สิทธิ์ดูแลเหลืออีก { $time }
js-lease-ending = สิทธิ์ดูแลเหลืออีก { $time } ดูแลต่อไหม
js-lease-lost = สิทธิ์ดูแลเคสนี้หมดแล้ว เคสกลับเข้าคิว กดรับเคสอีกครั้งเพื่อทำต่อ
js-earlier-cases = เคสก่อนหน้าที่ใช้เบอร์นี้ (ติ๊กเพื่อเชื่อมโยง ระบบไม่เชื่อมให้อัตโนมัติ):
js-live-on = อัปเดตสดเปิดอยู่
js-live-off = หยุดอัปเดตสดชั่วคราว หน้าจะรีเฟรชเมื่อคุณกลับมา
js-updated = อัปเดตแล้ว

# Safe contact and callbacks (issue 13)
nav-my-callbacks = การโทรกลับของฉัน
safe-title = การติดต่ออย่างปลอดภัย
safe-code-word = คำรหัส (ถามก่อนพูดอะไร)
safe-cover-story = เรื่องที่ใช้อ้าง
safe-secrets-hidden = คำรหัสและเรื่องที่ใช้อ้างแสดงให้ผู้ที่ถือเคสเท่านั้น
safe-windows = เวลาที่ปลอดภัย
safe-any-time = ทุกเวลา
safe-times-unclear = อ่านเวลาจากคำของเขาไม่ได้ กรุณากำหนดเวลาที่ปลอดภัยก่อนที่ใครจะติดต่อเขาก่อน
safe-own-words = ตามคำของเขา
safe-updated = บันทึกเมื่อ { $when }
callbacks-title = การโทรกลับ
callbacks-none = ไม่มีการโทรกลับ
callback-overdue = เลยกำหนด
my-callbacks-title = การโทรกลับของฉัน
my-callbacks-none = ไม่มีการโทรกลับของคุณ
history-case-safe-contact-changed = เปลี่ยนกฎการติดต่ออย่างปลอดภัย
history-callback-scheduled = นัดโทรกลับ
history-callback-attempted = พยายามโทรกลับ
history-callback-approved = สายที่ไม่ได้รับ: อนุมัติการโทรกลับ
history-callback-dismissed = ยกเลิกสายที่ไม่ได้รับ
history-callback-missed-call = สายที่ไม่ได้รับจากระบบโทรศัพท์
history-callback-follow-ups-planned = วางแผนติดตามผล
