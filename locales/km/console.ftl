# hotline console — ភាសាខ្មែរ
# needs_native_review: បកប្រែដោយក្រុមអ្នកអភិវឌ្ឍន៍ ត្រូវឱ្យម្ចាស់ភាសាពិនិត្យមុនប្រើប្រាស់ពិត។

## Layout and navigation
skip-to-content = រំលងទៅមាតិកា
nav-label = ម៉ឺនុយមេ
nav-queue = ជួររង់ចាំ
nav-phone-report = កត់ត្រាការហៅចូល
nav-all-cases = ករណីទាំងអស់
nav-settings = ការកំណត់របស់ខ្ញុំ
search-label = ស្វែងរកករណីតាមលេខយោង ឬលេខទូរស័ព្ទ
search-placeholder = HL-… ឬលេខទូរស័ព្ទ
search-button = ស្វែងរក
sign-out = ចាកចេញ
shortcuts-button = គ្រាប់ចុចកាត់
shortcuts-title = គ្រាប់ចុចកាត់
shortcut-claim-next = ទទួលករណីបន្ទាប់
shortcut-reply = សរសេរចម្លើយ (ទំព័រករណី)
shortcut-note = បន្ថែមកំណត់ចំណាំ (ទំព័រករណី)
shortcut-search = ស្វែងរកករណី
shortcut-queue = ទៅជួររង់ចាំ
shortcut-help = បង្ហាញបញ្ជីនេះ
close = បិទ
none = គ្មាន
actor-system = ប្រព័ន្ធ
bytes = { $count } បៃ

## Notices
unavailable-title = មិនអាចប្រើបានបណ្ដោះអាសន្ន
database-unavailable = មូលដ្ឋានទិន្នន័យមិនឆ្លើយតប។ គ្មានអ្វីបាត់បង់ទេ សូមព្យាយាមម្ដងទៀតបន្តិចទៀត។
sessions-unavailable = ការចូលប្រើត្រូវការ Redis ដែលមិនអាចប្រើបានឥឡូវនេះ។ ការទទួលរបាយការណ៍ និង API នៅតែដំណើរការ សូមជូនដំណឹងអ្នកគ្រប់គ្រង។
not-found-title = រកមិនឃើញ
case-not-found = គ្មានករណីនេះទេ។
supervisors-only = មានតែប្រធានវេនទេដែលអាចមើលករណីទាំងអស់។

## Sign-in
login-title = ចូលប្រើ
login-email = អ៊ីមែល
login-password = ពាក្យសម្ងាត់
login-submit = ចូលប្រើ
login-expired = ទម្រង់ផុតកំណត់ហើយ។ សូមចូលម្ដងទៀត។
login-rate-limited = ព្យាយាមច្រើនដងពេក។ សូមរង់ចាំប៉ុន្មាននាទី ហើយព្យាយាមម្ដងទៀត។
login-wrong = អ៊ីមែល ឬពាក្យសម្ងាត់មិនត្រឹមត្រូវ។

## Queue
queue-title = ជួររង់ចាំ
queue-caption = ករណីបើកចំហ បន្ទាន់បំផុតមុន
queue-empty = គ្មានករណីកំពុងរង់ចាំទេ។
claim-next = ទទួលករណីបន្ទាប់
claim-prefers = ករណីជាភាសា{ $languages }មកមុន នៅពេលគ្មានករណីណាហួសពេល។
mine-title = ករណីដែលអ្នកកំពុងកាន់ ({ $count })
unread = សារថ្មី { $count }
held-until = កាន់រហូតដល់ { $time }
col-case = ករណី
col-level = កម្រិត
col-indicators = សញ្ញាបង្ហាញ
col-language = ភាសា
col-channel = បណ្ដាញ
col-status = ស្ថានភាព
col-waiting = រង់ចាំ
col-held-by = អ្នកកាន់
col-opened = បើកនៅ
raised-from = ដំឡើងពីកម្រិត{ $level } ដោយសាររង់ចាំយូរ
waiting-minutes = រង់ចាំ { $minutes } នាទី
waiting-overdue = រង់ចាំ { $minutes } នាទី · ហួសពេល { $over } នាទី

## Levels
level-critical = វិបត្តិ
level-high = ខ្ពស់
level-medium = មធ្យម
level-low = ទាប

## Indicators
flag-minor = អាយុក្រោម ១៨ ឆ្នាំ
flag-confinement = ត្រូវគេឃុំខ្លួន
flag-threat_violence = ត្រូវគេគំរាម ឬធ្វើបាប
flag-weapon = មានអាវុធ
flag-injury_medical = របួស ឬឈឺ
flag-self_harm = មានគំនិតធ្វើបាបខ្លួនឯង
flag-pregnancy = មានផ្ទៃពោះ
flag-abroad = នៅបរទេស
flag-at_sea = នៅសមុទ្រ
flag-scam_compound = នៅក្នុងអគារបោកប្រាស់
flag-documents_seized = ត្រូវគេរឹបអូសឯកសារ
flag-debt_bondage = ជាប់បំណុល
flag-unpaid_wages = មិនបានទទួលប្រាក់ឈ្នួល
flag-sexual_exploitation = ការកេងប្រវ័ញ្ចផ្លូវភេទ
flag-forced_labour = ពលកម្មដោយបង្ខំ
flag-forced_marriage = រៀបការដោយបង្ខំ
flag-missing_person = មនុស្សបាត់ខ្លួន
flag-official_involvement = មានមន្ត្រីពាក់ព័ន្ធ
flag-deceptive_recruitment = ការជ្រើសរើសបោកប្រាស់
flag-in_transit = កំពុងត្រូវគេនាំទៅ

## Statuses
status-new = ថ្មី
status-in_progress = កំពុងដោះស្រាយ
status-waiting = រង់ចាំអ្នករាយការណ៍
status-referred = បានបញ្ជូនបន្ត
status-closed = បានបិទ

## Who is calling
caller-victim = ជនរងគ្រោះផ្ទាល់
caller-relative = សាច់ញាតិ
caller-friend = មិត្តភក្តិ
caller-coworker = មិត្តរួមការងារ
caller-professional = អ្នកជំនាញ (អង្គការ ប៉ូលិស សុខាភិបាល)
caller-anonymous = អនាមិក

## Closing reasons
closing-resolved = បានដោះស្រាយ
closing-referred_elsewhere = បញ្ជូនទៅកន្លែងផ្សេង
closing-no_further_contact = មិនអាចទាក់ទងបន្តបាន
closing-not_trafficking = មិនមែនការជួញដូរមនុស្ស
closing-duplicate = ស្ទួនជាមួយករណីផ្សេង
closing-test_or_prank = សាកល្បង ឬលេងសើច
closing-reporter_withdrew = អ្នករាយការណ៍ដកវិញ

## Channels
channel-phone = ទូរស័ព្ទ
channel-telegram = Telegram
channel-line = LINE
channel-email = អ៊ីមែល

## Roles
role-counselor = អ្នកប្រឹក្សា
role-supervisor = ប្រធានវេន
role-admin = អ្នកគ្រប់គ្រង

## Countries
country-TH = ថៃ
country-LA = ឡាវ
country-KH = កម្ពុជា
country-MM = មីយ៉ាន់ម៉ា
country-VN = វៀតណាម
country-CN = ចិន
country-MY = ម៉ាឡេស៊ី
country-SG = សិង្ហបុរី
country-ID = ឥណ្ឌូណេស៊ី
country-PH = ហ្វីលីពីន
country-JP = ជប៉ុន
country-KR = កូរ៉េខាងត្បូង
country-TW = តៃវ៉ាន់
country-AE = អេមីរ៉ាតអារ៉ាប់រួម

## Case page
case-title = ករណី { $reference }
summary-title = សេចក្ដីសង្ខេប
status-label = ស្ថានភាព
held-by-label = អ្នកកាន់
held-by-nobody = គ្មាននរណា
raised-to = ក្នុងជួររាប់ជា{ $level } (រង់ចាំហួសពេល)
lease-warning = សិទ្ធិកាន់ករណីនេះរបស់អ្នកជិតផុតហើយ។ សូមកាន់បន្ត បើមិនដូច្នេះទេ ករណីនឹងត្រឡប់ទៅជួរវិញ។
lease-keep = កាន់បន្ត
action-claim = ទទួលករណីនេះ
action-renew = បន្តសិទ្ធិកាន់
action-release = ប្រគល់ទៅជួរវិញ
fact-caller = អ្នកហៅ
fact-language = ភាសា
fact-where = ទីកន្លែង
fact-quick-answers = ចម្លើយរហ័ស (បាទ/ចាស)
fact-contact-rules = លក្ខខណ្ឌទំនាក់ទំនង
fact-callback = ការហៅត្រឡប់
callback-none = មិនបានផ្ដល់លេខ
rule-never-first = កុំទាក់ទងមុន
rule-may-contact = អាចទាក់ទងមុនបាន
rule-channels = តាម{ $channels }ប៉ុណ្ណោះ
rule-safe-hours = ម៉ោងសុវត្ថិភាព { $hours }
rule-no-voicemail = កុំទុកសារសំឡេង
rule-voicemail-ok = អាចទុកសារសំឡេងបាន
conversation-title = ការសន្ទនាតាម { $channel }
report-title = របាយការណ៍
bot-messages = សារពីបូត { $count }
tapped-answer = អ្នករាយការណ៍ចុចជ្រើសខ្លួនឯង
quoted-text = អត្ថបទដកស្រង់
file-not-stored = មិនបានរក្សាទុក
author-reporter = អ្នករាយការណ៍
author-bot = បូត
author-counselor = អ្នកប្រឹក្សា
delivery-received = បានទទួល
delivery-queued = កំពុងផ្ញើ…
delivery-sent = បានផ្ញើ
delivery-failed = ផ្ញើមិនបាន
delivery-cancelled = មិនបានផ្ញើ (ច្បាប់ទំនាក់ទំនងសុវត្ថិភាព)
scripts-label = សារសុវត្ថិភាពស្រាប់ ({ $language })
scripts-need-review = អត្ថបទទាំងនេះនៅត្រូវការឱ្យម្ចាស់ភាសាពិនិត្យ
script-introduce = ណែនាំខ្លួន
script-check-safety = សួរថាមានសុវត្ថិភាពឬទេ
script-delete-chat = ណែនាំឱ្យលុបការជជែក
script-callback-ok = សួរថាអាចហៅត្រឡប់បានទេ
script-closing = បញ្ចប់ការសន្ទនា
reply-label = ឆ្លើយតាម { $channel }
reply-send = ផ្ញើ
reply-forbidden = មិនអាចសរសេរឥឡូវនេះ៖ { $reason }
reply-forbidden-blocked = ប្រធានវេនបានបិទការជជែកនេះ សារត្រូវបានរក្សាទុក តែមិនឆ្លើយ។
reply-forbidden-unreachable = អ្នកនោះបានបិទបូត ឬចាកចេញពីការជជែក មិនអាចផ្ញើបានទេ។
reply-forbidden-stopped = អ្នកនោះស្នើឱ្យឈប់ សូមរង់ចាំរហូតគេសរសេរមកម្ដងទៀត។
reply-forbidden-channel = អ្នកនោះមិនអនុញ្ញាតឱ្យទាក់ទងតាមបណ្ដាញនេះទេ។
reply-forbidden-never-first = អ្នកនោះស្នើកុំឱ្យទាក់ទងមុន ហើយមិនបានសរសេរមកថ្មីៗនេះ សូមរង់ចាំគេសរសេរមក។
chat-block = បិទការជជែកនេះ
chat-unblock = បើកវិញ
phone-case-callback = ករណីនេះមកតាមទូរស័ព្ទ៖ ហៅត្រឡប់តាមលក្ខខណ្ឌទំនាក់ទំនងប៉ុណ្ណោះ។
why-title = ហេតុអ្វីបានជាកម្រិតនេះ
reason-in-words = តាមពាក្យរបស់អ្នករាយការណ៍៖
reason-tapped = អ្នកនោះឆ្លើយ "បាទ/ចាស" ក្នុងការជជែក
reason-caller-said = អ្នកហៅឆ្លើយ "បាទ/ចាស"
override-by = { $who } កំណត់កម្រិតជា{ $level }
override-rules-said = ប្រព័ន្ធវាយតម្លៃជា{ $level }
urgency-change = ប្ដូរកម្រិត
urgency-reason = មូលហេតុ
urgency-set = កំណត់កម្រិត
notes-title = កំណត់ចំណាំ
note-label = កំណត់ចំណាំថ្មី
note-add = បន្ថែមកំណត់ចំណាំ
status-title = ស្ថានភាព
status-new-label = ស្ថានភាពថ្មី
closing-reason-label = មូលហេតុបិទករណី
status-change = ប្ដូរស្ថានភាព
links-title = ករណីភ្ជាប់ (មនុស្សតែមួយ មិនភ្ជាប់ដោយស្វ័យប្រវត្តិ)
links-none = គ្មានករណីភ្ជាប់។
link-label = មនុស្សតែមួយនឹងករណី
link-add = ភ្ជាប់
unlink = ផ្ដាច់ពី { $reference }
history-title = ប្រវត្តិ
history-case-opened = បើកករណី
history-case-claimed = ទទួលករណី
history-case-released = ប្រគល់ទៅជួរវិញ
history-case-note-added = បន្ថែមកំណត់ចំណាំ
history-case-status-changed = ប្ដូរស្ថានភាព
history-case-message-sent = ផ្ញើសារទៅអ្នករាយការណ៍
history-case-linked = ភ្ជាប់ទៅករណីផ្សេង
history-case-unlinked = ផ្ដាច់ការភ្ជាប់
history-case-urgency-overridden = អ្នកប្រឹក្សាប្ដូរកម្រិត
history-case-reassessed = វាយតម្លៃឡើងវិញពីសារថ្មី
history-chat-blocked = បិទការជជែក
history-chat-unblocked = បើកការជជែកវិញ
history-chat-stopped = អ្នកនោះស្នើឱ្យបូតឈប់
history-attachment-downloaded = ទាញយកឯកសារ

## Phone report form
phone-title = កត់ត្រាការហៅចូល
phone-who = ការហៅ
phone-caller = អ្នកណាហៅ
phone-language = ភាសានៃការហៅ
phone-where = អ្នកមានហានិភ័យនៅឯណា
phone-country = ប្រទេស
phone-country-unknown = មិនដឹង
phone-area = ខេត្ត ឬទីក្រុង
phone-area-hint = ជ្រើសពីបញ្ជី ឬវាយទីកន្លែងណាមួយ។
phone-what = មានរឿងអ្វីកើតឡើង
phone-narrative = តាមពាក្យរបស់អ្នកហៅ
phone-quick = សំណួររហ័ស
question-minor = មានអ្នកអាយុក្រោម ១៨ ឆ្នាំពាក់ព័ន្ធទេ?
question-confinement = តើគេត្រូវបានឃុំខ្លួនទេ?
question-documents_seized = ឯកសាររបស់គេត្រូវគេយកទេ?
question-debt_bondage = តើគេជំពាក់បំណុលនិយោជកទេ?
question-injury_medical = តើគេរបួស ឬឈឺទេ?
question-threat_violence = តើគេត្រូវគេគំរាមទេ?
question-abroad = តើគេនៅបរទេសទេ?
question-at_sea = តើគេនៅសមុទ្រទេ?
answer-unknown = មិនដឹង
answer-yes = បាទ/ចាស
answer-no = ទេ
phone-callback = ការហៅត្រឡប់
phone-callback-name = ឈ្មោះដែលចង់ឱ្យហៅ
phone-callback-phone = លេខទូរស័ព្ទ
phone-safe-hours = ពេលដែលហៅបានដោយសុវត្ថិភាព
phone-never-first = កុំទាក់ទងមុន
phone-no-voicemail = កុំទុកសារសំឡេង
phone-save = រក្សាទុករបាយការណ៍
phone-saved = បានរក្សាទុក លេខករណី

## Supervisor's list
all-cases-title = ករណីទាំងអស់
all-cases-caption = ករណីទាំងអស់ ថ្មីបំផុតមុន
filter-any = ទាំងអស់
filter-apply = ច្រោះ

## Search
search-title = ស្វែងរកករណី
search-explain = ស្វែងរកតាមលេខយោងករណី (HL-8F3K2) ឬលេខទូរស័ព្ទហៅត្រឡប់។ ការស្វែងរកនីមួយៗត្រូវបានកត់ត្រាទុក។
search-none = គ្មានករណីត្រូវគ្នា។

## My settings
settings-title = ការកំណត់របស់ខ្ញុំ
settings-console-language = ភាសានៃផ្ទាំង
settings-languages = ភាសាដែលខ្ញុំនិយាយបាន
settings-languages-hint = "ទទួលករណីបន្ទាប់" នឹងផ្ដល់ករណីជាភាសាទាំងនេះមុន លើកលែងតែមានករណីផ្សេងហួសពេល។
settings-save = រក្សាទុក

## Words the page script uses
js-request-failed = សំណើបរាជ័យ ({ $status })។ សូមព្យាយាមម្ដងទៀត។
js-nothing-waiting = គ្មានករណីកំពុងរង់ចាំ។
js-saving = កំពុងរក្សាទុក…
js-saved = បានរក្សាទុក។
js-new-critical = ករណីវិបត្តិថ្មី { $reference }
js-lease-left = សិទ្ធិកាន់នៅសល់ { $time }
js-lease-ending = សិទ្ធិកាន់នៅសល់ { $time }។ កាន់បន្តទេ?
js-lease-lost = សិទ្ធិកាន់ករណីនេះបានផុតហើយ ករណីបានត្រឡប់ទៅជួរវិញ។ សូមទទួលម្ដងទៀតដើម្បីបន្ត។
js-earlier-cases = ករណីមុនៗដែលប្រើលេខនេះ (ធីកដើម្បីភ្ជាប់ មិនភ្ជាប់ដោយស្វ័យប្រវត្តិ)៖
js-live-on = ការធ្វើបច្ចុប្បន្នភាពផ្ទាល់កំពុងបើក។
js-live-off = ការធ្វើបច្ចុប្បន្នភាពផ្ទាល់ផ្អាកសិន ទំព័រនឹងផ្ទុកឡើងវិញពេលអ្នកត្រឡប់មក។
js-updated = បានធ្វើបច្ចុប្បន្នភាព។

# Safe contact and callbacks (issue 13)
nav-my-callbacks = ការហៅត្រឡប់របស់ខ្ញុំ
safe-title = ទំនាក់ទំនងដោយសុវត្ថិភាព
safe-code-word = ពាក្យសម្ងាត់ (សួរមុននិយាយអ្វី)
safe-cover-story = រឿងបិទបាំង
safe-secrets-hidden = ពាក្យសម្ងាត់ និងរឿងបិទបាំង បង្ហាញតែអ្នកកាន់ករណីប៉ុណ្ណោះ។
safe-windows = ពេលវេលាសុវត្ថិភាព
safe-any-time = គ្រប់ពេល
safe-times-unclear = មិនអាចអានពេលវេលាពីពាក្យរបស់គាត់បានទេ៖ សូមកំណត់ពេលវេលាសុវត្ថិភាពជាមុន។
safe-own-words = តាមពាក្យរបស់គាត់
safe-updated = បានកត់ត្រា { $when }
callbacks-title = ការហៅត្រឡប់
callbacks-none = គ្មានការហៅត្រឡប់។
callback-overdue = ហួសកំណត់
my-callbacks-title = ការហៅត្រឡប់របស់ខ្ញុំ
my-callbacks-none = គ្មានការហៅត្រឡប់របស់អ្នកទេ។
history-case-safe-contact-changed = បានប្ដូរច្បាប់ទំនាក់ទំនងសុវត្ថិភាព
history-callback-scheduled = បានកំណត់ការហៅត្រឡប់
history-callback-attempted = បានព្យាយាមហៅត្រឡប់
history-callback-approved = ការហៅខកខាន៖ បានអនុម័តការហៅត្រឡប់
history-callback-dismissed = បានបោះបង់ការហៅខកខាន
history-callback-missed-call = ការហៅខកខានពីប្រព័ន្ធទូរស័ព្ទ
history-callback-follow-ups-planned = បានគ្រោងការតាមដាន
