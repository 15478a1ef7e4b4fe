# hotline console — မြန်မာဘာသာ
# needs_native_review: ဖွံ့ဖြိုးရေးအဖွဲ့က ဘာသာပြန်ထားသည်၊ အမှန်တကယ် မသုံးမီ ဘာသာစကားပိုင်ရှင် စစ်ဆေးရန် လိုသည်။

## Layout and navigation
skip-to-content = အကြောင်းအရာသို့ ကျော်သွားရန်
nav-label = ပင်မမီနူး
nav-queue = တန်းစီစာရင်း
nav-phone-report = ဖုန်းဖြင့်တိုင်ကြားမှု
nav-all-cases = ကိစ္စအားလုံး
nav-settings = ကျွန်ုပ်၏ဆက်တင်
search-label = ကိစ္စကို ရည်ညွှန်းနံပါတ် သို့မဟုတ် ဖုန်းနံပါတ်ဖြင့် ရှာရန်
search-placeholder = HL-… သို့မဟုတ် ဖုန်းနံပါတ်
search-button = ရှာရန်
sign-out = ထွက်ရန်
shortcuts-button = ကီးတိုများ
shortcuts-title = ကီးဘုတ် ကီးတိုများ
shortcut-claim-next = နောက်ကိစ္စကို ယူရန်
shortcut-reply = အကြောင်းပြန်ရေးရန် (ကိစ္စစာမျက်နှာ)
shortcut-note = မှတ်စုထည့်ရန် (ကိစ္စစာမျက်နှာ)
shortcut-search = ကိစ္စရှာရန်
shortcut-queue = တန်းစီစာရင်းသို့
shortcut-help = ဤစာရင်းကို ပြရန်
close = ပိတ်ရန်
none = မရှိ
actor-system = စနစ်
bytes = { $count } ဘိုက်

## Notices
unavailable-title = ယာယီ အသုံးမပြုနိုင်ပါ
database-unavailable = ဒေတာဘေ့စ် မတုံ့ပြန်ပါ။ ဘာမှ မပျောက်ပါ၊ ခဏနေ ထပ်ကြိုးစားပါ။
sessions-unavailable = ဝင်ရောက်ရန် Redis လိုအပ်ပြီး ယခု အသုံးမပြုနိုင်ပါ။ တိုင်ကြားမှုလက်ခံခြင်းနှင့် API ဆက်အလုပ်လုပ်နေသည်၊ စီမံခန့်ခွဲသူကို အကြောင်းကြားပါ။
not-found-title = မတွေ့ပါ
case-not-found = ဤကိစ္စ မရှိပါ။
supervisors-only = ကြီးကြပ်သူများသာ ကိစ္စအားလုံးကို ကြည့်နိုင်သည်။

## Sign-in
login-title = ဝင်ရောက်ရန်
login-email = အီးမေးလ်
login-password = စကားဝှက်
login-submit = ဝင်ရောက်ရန်
login-expired = ဖောင်သက်တမ်းကုန်သွားပြီ။ ထပ်မံဝင်ရောက်ပါ။
login-rate-limited = ကြိုးစားမှု များလွန်းသည်။ မိနစ်အနည်းငယ်စောင့်ပြီး ထပ်ကြိုးစားပါ။
login-wrong = အီးမေးလ် သို့မဟုတ် စကားဝှက် မမှန်ပါ။

## Queue
queue-title = တန်းစီစာရင်း
queue-caption = ဖွင့်ထားသော ကိစ္စများ၊ အရေးပေါ်ဆုံး ရှေ့ဆုံး
queue-empty = စောင့်ဆိုင်းနေသော ကိစ္စ မရှိပါ။
claim-next = နောက်ကိစ္စကို ယူရန်
claim-prefers = အချိန်ကျော်နေသော ကိစ္စမရှိလျှင် { $languages } ဘာသာ ကိစ္စများ ရှေ့ရောက်မည်။
mine-title = သင်ကိုင်ထားသော ကိစ္စများ ({ $count })
unread = စာအသစ် { $count } စောင်
held-until = { $time } အထိ ကိုင်ထားသည်
col-case = ကိစ္စ
col-level = အဆင့်
col-indicators = လက္ခဏာများ
col-language = ဘာသာစကား
col-channel = လမ်းကြောင်း
col-status = အခြေအနေ
col-waiting = စောင့်ချိန်
col-held-by = ကိုင်ထားသူ
col-opened = ဖွင့်ချိန်
raised-from = ကြာရှည်စောင့်ရ၍ { $level } မှ မြှင့်ထားသည်
waiting-minutes = { $minutes } မိနစ် စောင့်နေသည်
waiting-overdue = { $minutes } မိနစ် စောင့်နေသည် · { $over } မိနစ် ကျော်နေသည်

## Levels
level-critical = အရေးပေါ်
level-high = မြင့်
level-medium = အလယ်အလတ်
level-low = နိမ့်

## Indicators
flag-minor = အသက် ၁၈ နှစ်အောက်
flag-confinement = ချုပ်နှောင်ခံထားရ
flag-threat_violence = ခြိမ်းခြောက် သို့မဟုတ် အကြမ်းဖက်ခံရ
flag-weapon = လက်နက်ပါ
flag-injury_medical = ဒဏ်ရာရ သို့မဟုတ် နေမကောင်း
flag-self_harm = ကိုယ့်ကိုယ်ကို အန္တရာယ်ပြုရန် စိတ်ကူး
flag-pregnancy = ကိုယ်ဝန်ရှိ
flag-abroad = နိုင်ငံခြားတွင်
flag-at_sea = ပင်လယ်ပြင်တွင်
flag-scam_compound = လိမ်လည်ရေးဂိုဏ်းဝင်း
flag-documents_seized = စာရွက်စာတမ်း သိမ်းဆည်းခံရ
flag-debt_bondage = အကြွေးနှောင်ကြိုး
flag-unpaid_wages = လုပ်ခမရ
flag-sexual_exploitation = လိင်အမြတ်ထုတ်ခံရ
flag-forced_labour = အတင်းအဓမ္မ လုပ်အား
flag-forced_marriage = အတင်းအဓမ္မ လက်ထပ်
flag-missing_person = ပျောက်ဆုံးသူ
flag-official_involvement = အရာရှိများ ပါဝင်
flag-deceptive_recruitment = လိမ်လည်ခေါ်ယူမှု
flag-in_transit = ယခု ခေါ်ဆောင်သွားနေ

## Statuses
status-new = အသစ်
status-in_progress = ဆောင်ရွက်ဆဲ
status-waiting = တိုင်ကြားသူကို စောင့်နေ
status-referred = လွှဲပြောင်းပြီး
status-closed = ပိတ်ပြီး

## Who is calling
caller-victim = ထိခိုက်ခံရသူ ကိုယ်တိုင်
caller-relative = ဆွေမျိုး
caller-friend = သူငယ်ချင်း
caller-coworker = လုပ်ဖော်ကိုင်ဖက်
caller-professional = ကျွမ်းကျင်သူ (အဖွဲ့အစည်း၊ ရဲ၊ ကျန်းမာရေး)
caller-anonymous = အမည်မဖော်

## Closing reasons
closing-resolved = ဖြေရှင်းပြီး
closing-referred_elsewhere = အခြားနေရာသို့ လွှဲပြောင်း
closing-no_further_contact = ဆက်သွယ်၍ မရတော့
closing-not_trafficking = လူကုန်ကူးမှု မဟုတ်
closing-duplicate = အခြားကိစ္စနှင့် ထပ်နေ
closing-test_or_prank = စမ်းသပ်မှု သို့မဟုတ် နောက်ပြောင်မှု
closing-reporter_withdrew = တိုင်ကြားသူ ပြန်ရုပ်သိမ်း

## Channels
channel-phone = ဖုန်း
channel-telegram = Telegram
channel-line = LINE
channel-email = အီးမေးလ်

## Roles
role-counselor = အကြံပေး
role-supervisor = ကြီးကြပ်သူ
role-admin = စီမံခန့်ခွဲသူ

## Countries
country-TH = ထိုင်း
country-LA = လာအို
country-KH = ကမ္ဘောဒီးယား
country-MM = မြန်မာ
country-VN = ဗီယက်နမ်
country-CN = တရုတ်
country-MY = မလေးရှား
country-SG = စင်ကာပူ
country-ID = အင်ဒိုနီးရှား
country-PH = ဖိလစ်ပိုင်
country-JP = ဂျပန်
country-KR = တောင်ကိုရီးယား
country-TW = ထိုင်ဝမ်
country-AE = အာရပ်စော်ဘွားများ ပြည်ထောင်စု

## Case page
case-title = ကိစ္စ { $reference }
summary-title = အကျဉ်းချုပ်
status-label = အခြေအနေ
held-by-label = ကိုင်ထားသူ
held-by-nobody = မည်သူမျှ မကိုင်
raised-to = တန်းစီစာရင်းတွင် { $level } အဖြစ် (ပစ်မှတ်အချိန် ကျော်)
lease-warning = ဤကိစ္စကို ကိုင်ထားခွင့် မကြာမီ ကုန်မည်။ ဆက်ကိုင်ပါ၊ မဟုတ်ပါက တန်းစီစာရင်းသို့ ပြန်သွားမည်။
lease-keep = ဆက်ကိုင်ရန်
action-claim = ဤကိစ္စကို ယူရန်
action-renew = ကိုင်ခွင့် သက်တမ်းတိုးရန်
action-release = တန်းစီစာရင်းသို့ ပြန်ပေးရန်
fact-caller = ဖုန်းဆက်သူ
fact-language = ဘာသာစကား
fact-where = နေရာ
fact-quick-answers = အမြန်အဖြေများ (ဟုတ်)
fact-contact-rules = ဆက်သွယ်ရေး စည်းကမ်း
fact-callback = ပြန်ဖုန်းဆက်ရန်
callback-none = နံပါတ် မပေးထား
rule-never-first = ဦးစွာ မဆက်သွယ်ရ
rule-may-contact = ဦးစွာ ဆက်သွယ်နိုင်
rule-channels = { $channels } ဖြင့်သာ
rule-safe-hours = လုံခြုံသောအချိန် { $hours }
rule-no-voicemail = အသံမက်ဆေ့ မချန်ရ
rule-voicemail-ok = အသံမက်ဆေ့ ချန်နိုင်
conversation-title = { $channel } ပေါ်ရှိ စကားဝိုင်း
report-title = တိုင်ကြားချက်
bot-messages = ဘော့မှ စာ { $count } စောင်
tapped-answer = တိုင်ကြားသူ ကိုယ်တိုင်ရွေး
quoted-text = ကိုးကားစာ
file-not-stored = မသိမ်းထား
author-reporter = တိုင်ကြားသူ
author-bot = ဘော့
author-counselor = အကြံပေး
delivery-received = လက်ခံရရှိ
delivery-queued = ပို့နေသည်…
delivery-sent = ပို့ပြီး
delivery-failed = မပို့နိုင်
delivery-cancelled = မပို့ပါ (လုံခြုံစွာ ဆက်သွယ်ရေး စည်းမျဉ်း)
scripts-label = လုံခြုံရေး စာသားများ ({ $language })
scripts-need-review = ဤစာသားများကို ဘာသာစကားပိုင်ရှင် စစ်ဆေးရန် လိုသေးသည်
script-introduce = မိမိကိုယ်ကို မိတ်ဆက်
script-check-safety = လုံခြုံမှု မေးမြန်း
script-delete-chat = ချက်ကို ဖျက်ရန် အကြံပြု
script-callback-ok = ပြန်ဖုန်းဆက်ခွင့် မေးမြန်း
script-closing = စကားဝိုင်း အဆုံးသတ်
reply-label = { $channel } ဖြင့် ပြန်ဖြေရန်
reply-send = ပို့ရန်
reply-forbidden = ယခု ရေး၍မရပါ- { $reason }
reply-forbidden-blocked = ကြီးကြပ်သူက ဤချက်ကို ပိတ်ထားသည်၊ စာများ သိမ်းထားသော်လည်း မဖြေပါ။
reply-forbidden-unreachable = ထိုသူက ဘော့ကို ပိတ်ထား သို့မဟုတ် ချက်မှ ထွက်သွားပြီ၊ ပို့၍မရပါ။
reply-forbidden-stopped = ထိုသူက ရပ်ရန် တောင်းဆိုထားသည်၊ ပြန်ရေးလာသည်အထိ စောင့်ပါ။
reply-forbidden-channel = ထိုသူက ဤလမ်းကြောင်းဖြင့် ဆက်သွယ်ခွင့် မပေးပါ။
reply-forbidden-never-first = ထိုသူက ဦးစွာ မဆက်သွယ်ရန် တောင်းဆိုထားပြီး မကြာသေးမီက မရေးပါ၊ ရေးလာသည်အထိ စောင့်ပါ။
chat-block = ဤချက်ကို ပိတ်ရန်
chat-unblock = ပြန်ဖွင့်ရန်
phone-case-callback = ဤကိစ္စသည် ဖုန်းမှ လာသည်- ဆက်သွယ်ရေး စည်းကမ်းအတိုင်းသာ ပြန်ဖုန်းဆက်ပါ။
why-title = ဤအဆင့် ဖြစ်ရသည့် အကြောင်း
reason-in-words = တိုင်ကြားသူ၏ စကားအတိုင်း-
reason-tapped = ထိုသူက ချက်တွင် "ဟုတ်" ဟု ဖြေသည်
reason-caller-said = ဖုန်းဆက်သူက "ဟုတ်" ဟု ဖြေသည်
override-by = { $who } က အဆင့်ကို { $level } သို့ သတ်မှတ်
override-rules-said = စည်းမျဉ်းများက { $level } ဟု ဆိုသည်
urgency-change = အဆင့် ပြောင်းရန်
urgency-reason = အကြောင်းပြချက်
urgency-set = အဆင့် သတ်မှတ်ရန်
notes-title = မှတ်စုများ
note-label = မှတ်စုအသစ်
note-add = မှတ်စု ထည့်ရန်
status-title = အခြေအနေ
status-new-label = အခြေအနေ အသစ်
closing-reason-label = ပိတ်ရသည့် အကြောင်း
status-change = အခြေအနေ ပြောင်းရန်
links-title = ချိတ်ဆက်ထားသော ကိစ္စများ (လူတစ်ဦးတည်း၊ အလိုအလျောက် မချိတ်)
links-none = ချိတ်ဆက်ထားသော ကိစ္စ မရှိပါ။
link-label = ဤကိစ္စနှင့် လူတစ်ဦးတည်း
link-add = ချိတ်ဆက်ရန်
unlink = { $reference } နှင့် ဖြုတ်ရန်
history-title = မှတ်တမ်း
history-case-opened = ကိစ္စ ဖွင့်
history-case-claimed = ကိစ္စ ယူ
history-case-released = တန်းစီစာရင်းသို့ ပြန်ပေး
history-case-note-added = မှတ်စု ထည့်
history-case-status-changed = အခြေအနေ ပြောင်း
history-case-message-sent = တိုင်ကြားသူထံ စာပို့
history-case-linked = အခြားကိစ္စနှင့် ချိတ်
history-case-unlinked = ချိတ်ဆက်မှု ဖြုတ်
history-case-urgency-overridden = အကြံပေးက အဆင့်ပြောင်း
history-case-reassessed = စာအသစ်မှ ပြန်လည်အကဲဖြတ်
history-chat-blocked = ချက် ပိတ်
history-chat-unblocked = ချက် ပြန်ဖွင့်
history-chat-stopped = ထိုသူက ဘော့ကို ရပ်ရန် တောင်းဆို
history-attachment-downloaded = ဖိုင် ဒေါင်းလုဒ်

## Phone report form
phone-title = ဖုန်းဖြင့်တိုင်ကြားမှု
phone-who = ဖုန်းခေါ်ဆိုမှု
phone-caller = မည်သူ ဖုန်းဆက်သနည်း
phone-language = ခေါ်ဆိုမှု ဘာသာစကား
phone-where = အန္တရာယ်ရှိသူ မည်သည့်နေရာတွင်ရှိသနည်း
phone-country = နိုင်ငံ
phone-country-unknown = မသိ
phone-area = ပြည်နယ်/တိုင်း သို့မဟုတ် မြို့
phone-area-hint = အကြံပြုချက်ကို ရွေးပါ သို့မဟုတ် မည်သည့်နေရာမဆို ရိုက်ထည့်ပါ။
phone-what = ဘာဖြစ်နေသနည်း
phone-narrative = ဖုန်းဆက်သူ၏ စကားအတိုင်း
phone-quick = အမြန်မေးခွန်းများ
question-minor = အသက် ၁၈ နှစ်အောက် ပါဝင်ပါသလား?
question-confinement = ချုပ်နှောင်ခံထားရပါသလား?
question-documents_seized = စာရွက်စာတမ်း သိမ်းခံရပါသလား?
question-debt_bondage = အလုပ်ရှင်ထံ အကြွေးတင်ပါသလား?
question-injury_medical = ဒဏ်ရာရ သို့မဟုတ် နေမကောင်းပါသလား?
question-threat_violence = ခြိမ်းခြောက်ခံရပါသလား?
question-abroad = နိုင်ငံခြားတွင် ရှိပါသလား?
question-at_sea = ပင်လယ်ပြင်တွင် ရှိပါသလား?
answer-unknown = မသိ
answer-yes = ဟုတ်
answer-no = မဟုတ်
phone-callback = ပြန်ဖုန်းဆက်ခြင်း
phone-callback-name = ခေါ်စေလိုသော အမည်
phone-callback-phone = ဖုန်းနံပါတ်
phone-safe-hours = လုံခြုံစွာ ဖုန်းဆက်နိုင်သော အချိန်
phone-never-first = ဦးစွာ မဆက်သွယ်ရ
phone-no-voicemail = အသံမက်ဆေ့ မချန်ရ
phone-save = တိုင်ကြားချက် သိမ်းရန်
phone-saved = သိမ်းပြီး၊ ကိစ္စနံပါတ်

## Supervisor's list
all-cases-title = ကိစ္စအားလုံး
all-cases-caption = ကိစ္စတိုင်း၊ အသစ်ဆုံး ရှေ့ဆုံး
filter-any = အားလုံး
filter-apply = စစ်ထုတ်ရန်

## Search
search-title = ကိစ္စ ရှာရန်
search-explain = ကိစ္စ ရည်ညွှန်းနံပါတ် (HL-8F3K2) သို့မဟုတ် ပြန်ဆက်ရန် ဖုန်းနံပါတ်ဖြင့် ရှာပါ။ ရှာဖွေမှုတိုင်း မှတ်တမ်းတင်ထားသည်။
search-none = ကိုက်ညီသော ကိစ္စ မရှိပါ။

## My settings
settings-title = ကျွန်ုပ်၏ဆက်တင်
settings-console-language = မျက်နှာပြင် ဘာသာစကား
settings-languages = ကျွန်ုပ် ပြောနိုင်သော ဘာသာစကားများ
settings-languages-hint = "နောက်ကိစ္စကို ယူရန်" သည် အခြားကိစ္စ အချိန်မကျော်လျှင် ဤဘာသာစကား ကိစ္စများကို ဦးစွာ ပေးမည်။
settings-save = သိမ်းရန်

## Words the page script uses
js-request-failed = တောင်းဆိုမှု မအောင်မြင်ပါ ({ $status })။ ထပ်ကြိုးစားပါ။
js-nothing-waiting = စောင့်ဆိုင်းနေသော ကိစ္စ မရှိပါ။
js-saving = သိမ်းနေသည်…
js-saved = သိမ်းပြီး။
js-new-critical = အရေးပေါ်ကိစ္စ အသစ် { $reference }
js-lease-left = ကိုင်ခွင့် { $time } ကျန်သည်
js-lease-ending = ကိုင်ခွင့် { $time } ကျန်သည်။ ဆက်ကိုင်မလား?
js-lease-lost = ဤကိစ္စကို ကိုင်ခွင့် ကုန်သွားပြီ၊ တန်းစီစာရင်းသို့ ပြန်သွားပြီ။ ဆက်လုပ်ရန် ထပ်ယူပါ။
js-earlier-cases = ဤနံပါတ်ဖြင့် ယခင်ကိစ္စများ (ချိတ်ရန် အမှန်ခြစ်ပါ၊ အလိုအလျောက် မချိတ်ပါ)-
js-live-on = တိုက်ရိုက် အပ်ဒိတ် ဖွင့်ထားသည်။
js-live-off = တိုက်ရိုက် အပ်ဒိတ် ခဏရပ်ထားသည်၊ ပြန်လာသောအခါ စာမျက်နှာ ပြန်ဖွင့်မည်။
js-updated = အပ်ဒိတ်ပြီး။

# Safe contact and callbacks (issue 13)
nav-my-callbacks = ကျွန်ုပ်၏ ပြန်ခေါ်ရန်များ
safe-title = လုံခြုံစွာ ဆက်သွယ်ခြင်း
safe-code-word = လျှို့ဝှက်စကား (ဘာမှမပြောခင် မေးပါ)
safe-cover-story = အကြောင်းပြချက်
safe-secrets-hidden = လျှို့ဝှက်စကားနှင့် အကြောင်းပြချက်ကို ကိစ္စကိုင်ထားသူသာ မြင်ရသည်။
safe-windows = လုံခြုံသောအချိန်
safe-any-time = အချိန်မရွေး
safe-times-unclear = သူ့စကားမှ အချိန်ကို မဖတ်နိုင်ပါ၊ လုံခြုံသောအချိန်ကို အရင်သတ်မှတ်ပါ။
safe-own-words = သူ့စကားအတိုင်း
safe-updated = မှတ်တမ်းတင်ချိန် { $when }
callbacks-title = ပြန်ခေါ်ရန်များ
callbacks-none = ပြန်ခေါ်ရန် မရှိပါ။
callback-overdue = အချိန်ကျော်
my-callbacks-title = ကျွန်ုပ်၏ ပြန်ခေါ်ရန်များ
my-callbacks-none = သင့်အတွက် ပြန်ခေါ်ရန် မရှိပါ။
history-case-safe-contact-changed = လုံခြုံစွာဆက်သွယ်ရေး စည်းမျဉ်း ပြောင်းသည်
history-callback-scheduled = ပြန်ခေါ်ရန် စီစဉ်သည်
history-callback-attempted = ပြန်ခေါ်ရန် ကြိုးစားသည်
history-callback-approved = လွတ်သွားသောဖုန်း- ပြန်ခေါ်ရန် အတည်ပြုသည်
history-callback-dismissed = လွတ်သွားသောဖုန်း ပယ်သည်
history-callback-missed-call = ဖုန်းစနစ်မှ လွတ်သွားသောဖုန်း
history-callback-follow-ups-planned = နောက်ဆက်တွဲ ပြန်ခေါ်ရန် စီစဉ်သည်
