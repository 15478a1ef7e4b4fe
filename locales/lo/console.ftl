# hotline console — ພາສາລາວ
# needs_native_review: ແປໂດຍທີມພັດທະນາ; ຕ້ອງໃຫ້ຜູ້ເວົ້າພາສາລາວກວດກ່ອນນຳໃຊ້ແທ້.

## Layout and navigation
skip-to-content = ຂ້າມໄປຫາເນື້ອຫາ
nav-label = ເມນູຫຼັກ
nav-queue = ຄິວ
nav-phone-report = ບັນທຶກສາຍໂທເຂົ້າ
nav-all-cases = ກໍລະນີທັງໝົດ
nav-settings = ການຕັ້ງຄ່າຂອງຂ້ອຍ
search-label = ຊອກຫາກໍລະນີດ້ວຍເລກອ້າງອີງ ຫຼື ເບີໂທ
search-placeholder = HL-… ຫຼື ເບີໂທ
search-button = ຊອກຫາ
sign-out = ອອກຈາກລະບົບ
shortcuts-button = ປຸ່ມລັດ
shortcuts-title = ປຸ່ມລັດແປ້ນພິມ
shortcut-claim-next = ຮັບກໍລະນີຕໍ່ໄປ
shortcut-reply = ຂຽນຄຳຕອບ (ໜ້າກໍລະນີ)
shortcut-note = ເພີ່ມບັນທຶກ (ໜ້າກໍລະນີ)
shortcut-search = ຊອກຫາກໍລະນີ
shortcut-queue = ໄປທີ່ຄິວ
shortcut-help = ສະແດງລາຍການນີ້
close = ປິດ
none = ບໍ່ມີ
actor-system = ລະບົບ
bytes = { $count } ໄບ

## Notices
unavailable-title = ໃຊ້ບໍ່ໄດ້ຊົ່ວຄາວ
database-unavailable = ຖານຂໍ້ມູນບໍ່ຕອບສະໜອງ. ຂໍ້ມູນບໍ່ເສຍຫາຍ; ກະລຸນາລອງໃໝ່ໃນອີກບໍ່ດົນ.
sessions-unavailable = ການເຂົ້າລະບົບຕ້ອງໃຊ້ Redis ເຊິ່ງໃຊ້ບໍ່ໄດ້ຕອນນີ້. ການຮັບແຈ້ງ ແລະ API ຍັງເຮັດວຽກ; ກະລຸນາແຈ້ງຜູ້ດູແລລະບົບ.
not-found-title = ບໍ່ພົບ
case-not-found = ບໍ່ມີກໍລະນີນີ້.
supervisors-only = ສະເພາະຫົວໜ້າເວນເທົ່ານັ້ນທີ່ເບິ່ງກໍລະນີທັງໝົດໄດ້.

## Sign-in
login-title = ເຂົ້າສູ່ລະບົບ
login-email = ອີເມວ
login-password = ລະຫັດຜ່ານ
login-submit = ເຂົ້າສູ່ລະບົບ
login-expired = ແບບຟອມໝົດອາຍຸແລ້ວ. ກະລຸນາເຂົ້າລະບົບອີກຄັ້ງ.
login-rate-limited = ລອງຫຼາຍເທື່ອເກີນໄປ. ກະລຸນາລໍຖ້າຈັກໜ້ອຍແລ້ວລອງໃໝ່.
login-wrong = ອີເມວ ຫຼື ລະຫັດຜ່ານບໍ່ຖືກຕ້ອງ.

## Queue
queue-title = ຄິວ
queue-caption = ກໍລະນີທີ່ເປີດຢູ່, ດ່ວນທີ່ສຸດກ່ອນ
queue-empty = ບໍ່ມີກໍລະນີລໍຖ້າຢູ່ໃນຄິວ.
claim-next = ຮັບກໍລະນີຕໍ່ໄປ
claim-prefers = ກໍລະນີເປັນພາສາ{ $languages }ມາກ່ອນ ເມື່ອບໍ່ມີກໍລະນີໃດເກີນເວລາ.
mine-title = ກໍລະນີທີ່ທ່ານດູແລຢູ່ ({ $count })
unread = ຂໍ້ຄວາມໃໝ່ { $count } ຂໍ້ຄວາມ
held-until = ດູແລໄດ້ຮອດ { $time }
col-case = ກໍລະນີ
col-level = ລະດັບ
col-indicators = ຕົວຊີ້ບອກ
col-language = ພາສາ
col-channel = ຊ່ອງທາງ
col-status = ສະຖານະ
col-waiting = ເວລາລໍຖ້າ
col-held-by = ຜູ້ດູແລ
col-opened = ເປີດເມື່ອ
raised-from = ຍົກຂຶ້ນຈາກລະດັບ{ $level } ເພາະລໍຖ້າດົນ
waiting-minutes = ລໍຖ້າ { $minutes } ນາທີ
waiting-overdue = ລໍຖ້າ { $minutes } ນາທີ · ເກີນເວລາ { $over } ນາທີ

## Levels
level-critical = ວິກິດ
level-high = ສູງ
level-medium = ປານກາງ
level-low = ຕ່ຳ

## Indicators
flag-minor = ອາຍຸຕ່ຳກວ່າ 18 ປີ
flag-confinement = ຖືກກັກຂັງ
flag-threat_violence = ຖືກຂົ່ມຂູ່ ຫຼື ທຳຮ້າຍ
flag-weapon = ມີອາວຸດ
flag-injury_medical = ບາດເຈັບ ຫຼື ເຈັບປ່ວຍ
flag-self_harm = ມີຄວາມຄິດທຳຮ້າຍຕົນເອງ
flag-pregnancy = ຖືພາ
flag-abroad = ຢູ່ຕ່າງປະເທດ
flag-at_sea = ຢູ່ກາງທະເລ
flag-scam_compound = ຢູ່ໃນແກ໊ງຕົ້ມຕຸ໋ນ
flag-documents_seized = ຖືກຍຶດເອກະສານ
flag-debt_bondage = ຖືກບັງຄັບໃຊ້ໜີ້
flag-unpaid_wages = ບໍ່ໄດ້ຮັບຄ່າຈ້າງ
flag-sexual_exploitation = ຖືກຂູດຮີດທາງເພດ
flag-forced_labour = ຖືກບັງຄັບໃຊ້ແຮງງານ
flag-forced_marriage = ຖືກບັງຄັບແຕ່ງງານ
flag-missing_person = ບຸກຄົນສູນຫາຍ
flag-official_involvement = ເຈົ້າໜ້າທີ່ລັດກ່ຽວຂ້ອງ
flag-deceptive_recruitment = ຖືກຫຼອກລວງໄປເຮັດວຽກ
flag-in_transit = ກຳລັງຖືກພາໄປ

## Statuses
status-new = ໃໝ່
status-in_progress = ກຳລັງດຳເນີນການ
status-waiting = ລໍຖ້າຜູ້ແຈ້ງ
status-referred = ສົ່ງຕໍ່ແລ້ວ
status-closed = ປິດແລ້ວ

## Who is calling
caller-victim = ຜູ້ເສຍຫາຍເອງ
caller-relative = ຍາດພີ່ນ້ອງ
caller-friend = ໝູ່ເພື່ອນ
caller-coworker = ເພື່ອນຮ່ວມງານ
caller-professional = ຜູ້ປະຕິບັດງານ (ອົງການ, ຕຳຫຼວດ, ສາທາລະນະສຸກ)
caller-anonymous = ບໍ່ອອກນາມ

## Closing reasons
closing-resolved = ແກ້ໄຂແລ້ວ
closing-referred_elsewhere = ສົ່ງຕໍ່ອົງການອື່ນ
closing-no_further_contact = ຕິດຕໍ່ຕໍ່ບໍ່ໄດ້
closing-not_trafficking = ບໍ່ແມ່ນການຄ້າມະນຸດ
closing-duplicate = ຊ້ຳກັບກໍລະນີອື່ນ
closing-test_or_prank = ທົດສອບ ຫຼື ແຈ້ງຫຼິ້ນ
closing-reporter_withdrew = ຜູ້ແຈ້ງຖອນເລື່ອງ

## Channels
channel-phone = ໂທລະສັບ
channel-telegram = Telegram
channel-line = LINE
channel-email = ອີເມວ

## Roles
role-counselor = ພະນັກງານໃຫ້ຄຳປຶກສາ
role-supervisor = ຫົວໜ້າເວນ
role-admin = ຜູ້ດູແລລະບົບ

## Countries
country-TH = ໄທ
country-LA = ລາວ
country-KH = ກຳປູເຈຍ
country-MM = ມຽນມາ
country-VN = ຫວຽດນາມ
country-CN = ຈີນ
country-MY = ມາເລເຊຍ
country-SG = ສິງກະໂປ
country-ID = ອິນໂດເນເຊຍ
country-PH = ຟີລິບປິນ
country-JP = ຍີ່ປຸ່ນ
country-KR = ເກົາຫຼີໃຕ້
country-TW = ໄຕ້ຫວັນ
country-AE = ສະຫະລັດອາຣັບເອມິເຣດ

## Case page
case-title = ກໍລະນີ { $reference }
summary-title = ສະຫຼຸບ
status-label = ສະຖານະ
held-by-label = ຜູ້ດູແລ
held-by-nobody = ຍັງບໍ່ມີຜູ້ດູແລ
raised-to = ໃນຄິວນັບເປັນລະດັບ{ $level } (ລໍຖ້າເກີນເວລາ)
lease-warning = ສິດດູແລກໍລະນີນີ້ຂອງທ່ານໃກ້ໝົດແລ້ວ. ກົດດູແລຕໍ່, ບໍ່ດັ່ງນັ້ນກໍລະນີຈະກັບເຂົ້າຄິວ.
lease-keep = ດູແລຕໍ່
action-claim = ຮັບກໍລະນີນີ້
action-renew = ຕໍ່ເວລາດູແລ
action-release = ສົ່ງຄືນເຂົ້າຄິວ
fact-caller = ຜູ້ໂທ
fact-language = ພາສາ
fact-where = ສະຖານທີ່
fact-quick-answers = ຄຳຕອບດ່ວນ (ແມ່ນ)
fact-contact-rules = ເງື່ອນໄຂການຕິດຕໍ່
fact-callback = ການໂທກັບ
callback-none = ບໍ່ໄດ້ໃຫ້ເບີໄວ້
rule-never-first = ຫ້າມຕິດຕໍ່ໄປກ່ອນ
rule-may-contact = ຕິດຕໍ່ໄປກ່ອນໄດ້
rule-channels = ທາງ{ $channels }ເທົ່ານັ້ນ
rule-safe-hours = ເວລາປອດໄພ { $hours }
rule-no-voicemail = ຫ້າມຝາກຂໍ້ຄວາມສຽງ
rule-voicemail-ok = ຝາກຂໍ້ຄວາມສຽງໄດ້
conversation-title = ການສົນທະນາທາງ { $channel }
report-title = ລາຍລະອຽດທີ່ແຈ້ງ
bot-messages = ຂໍ້ຄວາມຈາກບອດ { $count } ຂໍ້ຄວາມ
tapped-answer = ຜູ້ແຈ້ງກົດເລືອກເອງ
quoted-text = ຂໍ້ຄວາມທີ່ອ້າງອີງ
file-not-stored = ບໍ່ໄດ້ເກັບໄຟລ໌
author-reporter = ຜູ້ແຈ້ງ
author-bot = ບອດ
author-counselor = ພະນັກງານ
delivery-received = ໄດ້ຮັບແລ້ວ
delivery-queued = ກຳລັງສົ່ງ…
delivery-sent = ສົ່ງແລ້ວ
delivery-failed = ສົ່ງບໍ່ສຳເລັດ
delivery-cancelled = ບໍ່ໄດ້ສົ່ງ (ກົດການຕິດຕໍ່ຢ່າງປອດໄພ)
scripts-label = ຂໍ້ຄວາມຄວາມປອດໄພສຳເລັດຮູບ ({ $language })
scripts-need-review = ຂໍ້ຄວາມເຫຼົ່ານີ້ຍັງຕ້ອງໃຫ້ເຈົ້າຂອງພາສາກວດ
script-introduce = ແນະນຳຕົວ
script-check-safety = ຖາມວ່າປອດໄພບໍ່
script-delete-chat = ແນະນຳໃຫ້ລຶບແຊັດ
script-callback-ok = ຖາມວ່າໂທກັບໄດ້ບໍ່
script-closing = ປິດການສົນທະນາ
reply-label = ຕອບທາງ { $channel }
reply-send = ສົ່ງ
reply-forbidden = ຕອນນີ້ສົ່ງບໍ່ໄດ້: { $reason }
reply-forbidden-blocked = ຫົວໜ້າເວນບລັອກແຊັດນີ້ແລ້ວ; ຂໍ້ຄວາມຖືກເກັບໄວ້ແຕ່ບໍ່ຕອບ.
reply-forbidden-unreachable = ຜູ້ແຈ້ງບລັອກບອດ ຫຼື ອອກຈາກແຊັດແລ້ວ; ສົ່ງບໍ່ໄດ້.
reply-forbidden-stopped = ຜູ້ແຈ້ງຂໍໃຫ້ຢຸດ; ລໍຖ້າຈົນກວ່າເຂົາຈະຂຽນມາອີກ.
reply-forbidden-channel = ຜູ້ແຈ້ງບໍ່ອະນຸຍາດໃຫ້ຕິດຕໍ່ທາງຊ່ອງທາງນີ້.
reply-forbidden-never-first = ຜູ້ແຈ້ງຂໍບໍ່ໃຫ້ຕິດຕໍ່ໄປກ່ອນ ແລະ ບໍ່ໄດ້ຂຽນມາໃນໄລຍະນີ້; ລໍຖ້າເຂົາຂຽນມາ.
chat-block = ບລັອກແຊັດນີ້
chat-unblock = ຍົກເລີກການບລັອກ
phone-case-callback = ກໍລະນີນີ້ມາທາງໂທລະສັບ: ໂທກັບຕາມເງື່ອນໄຂການຕິດຕໍ່ເທົ່ານັ້ນ.
why-title = ເປັນຫຍັງຈຶ່ງຢູ່ລະດັບນີ້
reason-in-words = ຕາມຄຳເວົ້າຂອງຜູ້ແຈ້ງ:
reason-tapped = ຜູ້ແຈ້ງຕອບ "ແມ່ນ" ໃນແຊັດ
reason-caller-said = ຜູ້ໂທຕອບ "ແມ່ນ"
override-by = { $who } ປັບລະດັບເປັນ{ $level }
override-rules-said = ລະບົບປະເມີນໄວ້ທີ່{ $level }
urgency-change = ປ່ຽນລະດັບ
urgency-reason = ເຫດຜົນ
urgency-set = ບັນທຶກລະດັບ
notes-title = ບັນທຶກ
note-label = ບັນທຶກໃໝ່
note-add = ເພີ່ມບັນທຶກ
status-title = ສະຖານະ
status-new-label = ສະຖານະໃໝ່
closing-reason-label = ເຫດຜົນປິດກໍລະນີ
status-change = ປ່ຽນສະຖານະ
links-title = ກໍລະນີທີ່ເຊື່ອມໂຍງ (ບຸກຄົນດຽວກັນ; ບໍ່ເຊື່ອມອັດຕະໂນມັດ)
links-none = ບໍ່ມີກໍລະນີທີ່ເຊື່ອມໂຍງ.
link-label = ບຸກຄົນດຽວກັນກັບກໍລະນີ
link-add = ເຊື່ອມໂຍງ
unlink = ຍົກເລີກການເຊື່ອມກັບ { $reference }
history-title = ປະຫວັດ
history-case-opened = ເປີດກໍລະນີ
history-case-claimed = ຮັບກໍລະນີ
history-case-released = ສົ່ງຄືນເຂົ້າຄິວ
history-case-note-added = ເພີ່ມບັນທຶກ
history-case-status-changed = ປ່ຽນສະຖານະ
history-case-message-sent = ສົ່ງຂໍ້ຄວາມຫາຜູ້ແຈ້ງ
history-case-linked = ເຊື່ອມກັບກໍລະນີອື່ນ
history-case-unlinked = ຍົກເລີກການເຊື່ອມໂຍງ
history-case-urgency-overridden = ພະນັກງານປ່ຽນລະດັບ
history-case-reassessed = ປະເມີນໃໝ່ຈາກຂໍ້ຄວາມໃໝ່
history-chat-blocked = ບລັອກແຊັດ
history-chat-unblocked = ຍົກເລີກການບລັອກແຊັດ
history-chat-stopped = ຜູ້ແຈ້ງຂໍໃຫ້ບອດຢຸດ
history-attachment-downloaded = ດາວໂຫຼດໄຟລ໌

## Phone report form
phone-title = ບັນທຶກສາຍໂທເຂົ້າ
phone-who = ຂໍ້ມູນສາຍ
phone-caller = ຜູ້ໂທແມ່ນໃຜ
phone-language = ພາສາທີ່ໃຊ້ລົມ
phone-where = ຜູ້ທີ່ມີຄວາມສ່ຽງຢູ່ໃສ
phone-country = ປະເທດ
phone-country-unknown = ບໍ່ຮູ້
phone-area = ແຂວງ ຫຼື ເມືອງ
phone-area-hint = ເລືອກຈາກລາຍການ ຫຼື ພິມສະຖານທີ່ເອງ.
phone-what = ເກີດຫຍັງຂຶ້ນ
phone-narrative = ຕາມຄຳບອກເລົ່າຂອງຜູ້ໂທ
phone-quick = ຄຳຖາມດ່ວນ
question-minor = ມີຜູ້ອາຍຸຕ່ຳກວ່າ 18 ປີກ່ຽວຂ້ອງບໍ່?
question-confinement = ຖືກກັກຂັງບໍ່?
question-documents_seized = ຖືກຍຶດເອກະສານບໍ່?
question-debt_bondage = ຕິດໜີ້ນາຍຈ້າງບໍ່?
question-injury_medical = ບາດເຈັບ ຫຼື ເຈັບປ່ວຍບໍ່?
question-threat_violence = ຖືກຂົ່ມຂູ່ບໍ່?
question-abroad = ຢູ່ຕ່າງປະເທດບໍ່?
question-at_sea = ຢູ່ກາງທະເລບໍ່?
answer-unknown = ບໍ່ຮູ້
answer-yes = ແມ່ນ
answer-no = ບໍ່ແມ່ນ
phone-callback = ການໂທກັບ
phone-callback-name = ຊື່ທີ່ຢາກໃຫ້ເອີ້ນ
phone-callback-phone = ເບີໂທ
phone-safe-hours = ເວລາທີ່ໂທກັບໄດ້ຢ່າງປອດໄພ
phone-never-first = ຫ້າມຕິດຕໍ່ໄປກ່ອນ
phone-no-voicemail = ຫ້າມຝາກຂໍ້ຄວາມສຽງ
phone-save = ບັນທຶກລາຍງານ
phone-saved = ບັນທຶກແລ້ວ ເລກກໍລະນີ

## Supervisor's list
all-cases-title = ກໍລະນີທັງໝົດ
all-cases-caption = ທຸກກໍລະນີ, ໃໝ່ສຸດກ່ອນ
filter-any = ທັງໝົດ
filter-apply = ກັ່ນຕອງ

## Search
search-title = ຊອກຫາກໍລະນີ
search-explain = ຊອກດ້ວຍເລກອ້າງອີງ (HL-8F3K2) ຫຼື ເບີໂທກັບ. ທຸກການຊອກຫາຖືກບັນທຶກໄວ້.
search-none = ບໍ່ພົບກໍລະນີທີ່ກົງກັນ.

## My settings
settings-title = ການຕັ້ງຄ່າຂອງຂ້ອຍ
settings-console-language = ພາສາຂອງໜ້າຈໍ
settings-languages = ພາສາທີ່ຂ້ອຍລົມໄດ້
settings-languages-hint = "ຮັບກໍລະນີຕໍ່ໄປ" ຈະໃຫ້ກໍລະນີພາສາເຫຼົ່ານີ້ກ່ອນ, ເວັ້ນເສຍແຕ່ມີກໍລະນີອື່ນເກີນເວລາ.
settings-save = ບັນທຶກ

## Words the page script uses
js-request-failed = ຄຳຮ້ອງບໍ່ສຳເລັດ ({ $status }). ກະລຸນາລອງໃໝ່.
js-nothing-waiting = ບໍ່ມີກໍລະນີລໍຖ້າ.
js-saving = ກຳລັງບັນທຶກ…
js-saved = ບັນທຶກແລ້ວ.
js-new-critical = ກໍລະນີວິກິດໃໝ່ { $reference }
js-lease-left = ສິດດູແລເຫຼືອ { $time }
js-lease-ending = ສິດດູແລເຫຼືອ { $time }. ດູແລຕໍ່ບໍ່?
js-lease-lost = ສິດດູແລກໍລະນີນີ້ໝົດແລ້ວ; ກໍລະນີກັບເຂົ້າຄິວ. ຮັບອີກຄັ້ງເພື່ອເຮັດຕໍ່.
js-earlier-cases = ກໍລະນີກ່ອນໜ້າທີ່ໃຊ້ເບີນີ້ (ໝາຍເພື່ອເຊື່ອມໂຍງ; ບໍ່ເຊື່ອມອັດຕະໂນມັດ):
js-live-on = ອັບເດດສົດເປີດຢູ່.
js-live-off = ອັບເດດສົດຢຸດຊົ່ວຄາວ; ໜ້າຈະໂຫຼດໃໝ່ເມື່ອທ່ານກັບມາ.
js-updated = ອັບເດດແລ້ວ.

# Safe contact and callbacks (issue 13)
nav-my-callbacks = ການໂທກັບຂອງຂ້ອຍ
safe-title = ການຕິດຕໍ່ຢ່າງປອດໄພ
safe-code-word = ຄຳລະຫັດ (ຖາມກ່ອນເວົ້າຫຍັງ)
safe-cover-story = ເລື່ອງທີ່ໃຊ້ອ້າງ
safe-secrets-hidden = ຄຳລະຫັດ ແລະ ເລື່ອງທີ່ໃຊ້ອ້າງ ສະແດງໃຫ້ຜູ້ທີ່ຖືກໍລະນີເທົ່ານັ້ນ.
safe-windows = ເວລາທີ່ປອດໄພ
safe-any-time = ທຸກເວລາ
safe-times-unclear = ອ່ານເວລາຈາກຄຳຂອງເຂົາບໍ່ໄດ້: ກະລຸນາກຳນົດເວລາທີ່ປອດໄພກ່ອນ.
safe-own-words = ຕາມຄຳຂອງເຂົາ
safe-updated = ບັນທຶກເມື່ອ { $when }
callbacks-title = ການໂທກັບ
callbacks-none = ບໍ່ມີການໂທກັບ.
callback-overdue = ກາຍກຳນົດ
my-callbacks-title = ການໂທກັບຂອງຂ້ອຍ
my-callbacks-none = ບໍ່ມີການໂທກັບຂອງທ່ານ.
history-case-safe-contact-changed = ປ່ຽນກົດການຕິດຕໍ່ຢ່າງປອດໄພ
history-callback-scheduled = ນັດໂທກັບ
history-callback-attempted = ພະຍາຍາມໂທກັບ
history-callback-approved = ສາຍທີ່ບໍ່ໄດ້ຮັບ: ອະນຸມັດການໂທກັບ
history-callback-dismissed = ຍົກເລີກສາຍທີ່ບໍ່ໄດ້ຮັບ
history-callback-missed-call = ສາຍທີ່ບໍ່ໄດ້ຮັບຈາກລະບົບໂທລະສັບ
history-callback-follow-ups-planned = ວາງແຜນຕິດຕາມຜົນ
