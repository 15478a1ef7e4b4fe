# hotline console — 中文（简体）
# needs_native_review: 由开发团队翻译，正式使用前需母语者审校。

## Layout and navigation
skip-to-content = 跳到正文
nav-label = 主菜单
nav-queue = 队列
nav-phone-report = 电话登记
nav-all-cases = 全部个案
nav-settings = 我的设置
search-label = 按编号或电话号码查找个案
search-placeholder = HL-… 或电话号码
search-button = 查找
sign-out = 退出
shortcuts-button = 快捷键
shortcuts-title = 键盘快捷键
shortcut-claim-next = 接下一个个案
shortcut-reply = 写回复（个案页）
shortcut-note = 添加记录（个案页）
shortcut-search = 查找个案
shortcut-queue = 回到队列
shortcut-help = 显示此列表
close = 关闭
none = 无
actor-system = 系统
bytes = { $count } 字节

## Notices
unavailable-title = 暂时无法使用
database-unavailable = 数据库无响应。数据不会丢失，请稍后再试。
sessions-unavailable = 登录需要 Redis，目前不可用。接案和 API 仍正常运行；请联系管理员。
not-found-title = 未找到
case-not-found = 没有这个个案。
supervisors-only = 只有值班主管可以查看全部个案。

## Sign-in
login-title = 登录
login-email = 电子邮箱
login-password = 密码
login-submit = 登录
login-expired = 表单已过期，请重新登录。
login-rate-limited = 尝试次数过多，请等几分钟再试。
login-wrong = 邮箱或密码不正确。

## Queue
queue-title = 队列
queue-caption = 未结个案，最紧急的在前
queue-empty = 队列中没有个案。
claim-next = 接下一个个案
claim-prefers = 没有超时个案时，{ $languages }的个案优先。
mine-title = 你正在处理的个案（{ $count }）
unread = { $count } 条新消息
held-until = 保留到 { $time }
col-case = 个案
col-level = 级别
col-indicators = 迹象
col-language = 语言
col-channel = 渠道
col-status = 状态
col-waiting = 等待
col-held-by = 处理人
col-opened = 开启时间
raised-from = 因等待过久由{ $level }升级
waiting-minutes = 已等 { $minutes } 分钟
waiting-overdue = 已等 { $minutes } 分钟 · 超时 { $over } 分钟

## Levels
level-critical = 危急
level-high = 高
level-medium = 中
level-low = 低

## Indicators
flag-minor = 未满18岁
flag-confinement = 被关押或禁锢
flag-threat_violence = 受威胁或暴力
flag-weapon = 有武器
flag-injury_medical = 受伤或生病
flag-self_harm = 有自伤念头
flag-pregnancy = 怀孕
flag-abroad = 在国外
flag-at_sea = 在海上
flag-scam_compound = 在诈骗园区
flag-documents_seized = 证件被扣
flag-debt_bondage = 债务捆绑
flag-unpaid_wages = 拖欠工资
flag-sexual_exploitation = 性剥削
flag-forced_labour = 强迫劳动
flag-forced_marriage = 强迫婚姻
flag-missing_person = 失踪
flag-official_involvement = 涉及官员
flag-deceptive_recruitment = 欺骗性招聘
flag-in_transit = 正在被转移

## Statuses
status-new = 新
status-in_progress = 处理中
status-waiting = 等待求助者回复
status-referred = 已转介
status-closed = 已结案

## Who is calling
caller-victim = 当事人本人
caller-relative = 亲属
caller-friend = 朋友
caller-coworker = 同事
caller-professional = 专业人员（机构、警察、医疗）
caller-anonymous = 匿名

## Closing reasons
closing-resolved = 已解决
closing-referred_elsewhere = 转介他处
closing-no_further_contact = 无法再联系
closing-not_trafficking = 非人口贩运
closing-duplicate = 与其他个案重复
closing-test_or_prank = 测试或恶作剧
closing-reporter_withdrew = 求助者撤回

## Channels
channel-phone = 电话
channel-telegram = Telegram
channel-line = LINE
channel-email = 电子邮件

## Roles
role-counselor = 咨询员
role-supervisor = 值班主管
role-admin = 管理员

## Countries
country-TH = 泰国
country-LA = 老挝
country-KH = 柬埔寨
country-MM = 缅甸
country-VN = 越南
country-CN = 中国
country-MY = 马来西亚
country-SG = 新加坡
country-ID = 印度尼西亚
country-PH = 菲律宾
country-JP = 日本
country-KR = 韩国
country-TW = 台湾
country-AE = 阿联酋

## Case page
case-title = 个案 { $reference }
summary-title = 摘要
status-label = 状态
held-by-label = 处理人
held-by-nobody = 无人
raised-to = 队列中按{ $level }计（已超过目标时间）
lease-warning = 你对此个案的保留即将到期。请继续保留，否则个案会回到队列。
lease-keep = 继续保留
action-claim = 接此个案
action-renew = 延长保留
action-release = 放回队列
fact-caller = 来电者
fact-language = 语言
fact-where = 地点
fact-quick-answers = 快速回答（是）
fact-contact-rules = 联系规则
fact-callback = 回电
callback-none = 未留号码
rule-never-first = 不得主动联系
rule-may-contact = 可以主动联系
rule-channels = 仅通过{ $channels }
rule-safe-hours = 安全时间 { $hours }
rule-no-voicemail = 不留语音信息
rule-voicemail-ok = 可留语音信息
conversation-title = { $channel } 对话
report-title = 报告内容
bot-messages = 机器人消息 { $count } 条
tapped-answer = 求助者自己点选
quoted-text = 引用内容
file-not-stored = 未保存
author-reporter = 求助者
author-bot = 机器人
author-counselor = 咨询员
delivery-received = 已收到
delivery-queued = 发送中…
delivery-sent = 已发送
delivery-failed = 未送达
delivery-cancelled = 未发送（安全联系规则）
scripts-label = 安全话术（{ $language }）
scripts-need-review = 这些文字仍需母语者审校
script-introduce = 自我介绍
script-check-safety = 确认是否安全
script-delete-chat = 建议删除聊天记录
script-callback-ok = 询问能否回电
script-closing = 结束对话
reply-label = 通过 { $channel } 回复
reply-send = 发送
reply-forbidden = 现在不能发送：{ $reason }
reply-forbidden-blocked = 值班主管已屏蔽此对话；消息会保存但不回复。
reply-forbidden-unreachable = 对方已屏蔽机器人或离开对话；无法发送。
reply-forbidden-stopped = 对方要求停止；请等对方再次来信。
reply-forbidden-channel = 对方不允许通过此渠道联系。
reply-forbidden-never-first = 对方要求不得主动联系，且最近没有来信；请等对方来信。
chat-block = 屏蔽此对话
chat-unblock = 取消屏蔽
phone-case-callback = 此个案来自电话：只能按联系规则回电。
why-title = 为何是这个级别
reason-in-words = 求助者原话：
reason-tapped = 对方在对话中回答“是”
reason-caller-said = 来电者回答“是”
override-by = { $who } 将级别设为{ $level }
override-rules-said = 规则评估为{ $level }
urgency-change = 更改级别
urgency-reason = 理由
urgency-set = 设定级别
notes-title = 记录
note-label = 新记录
note-add = 添加记录
status-title = 状态
status-new-label = 新状态
closing-reason-label = 结案原因
status-change = 更改状态
links-title = 关联个案（同一人；不会自动关联）
links-none = 没有关联个案。
link-label = 与此个案为同一人
link-add = 关联
unlink = 取消与 { $reference } 的关联
history-title = 历史
history-case-opened = 开启个案
history-case-claimed = 接案
history-case-released = 放回队列
history-case-note-added = 添加记录
history-case-status-changed = 更改状态
history-case-message-sent = 发送消息给求助者
history-case-linked = 关联其他个案
history-case-unlinked = 取消关联
history-case-urgency-overridden = 咨询员更改级别
history-case-reassessed = 根据新消息重新评估
history-chat-blocked = 屏蔽对话
history-chat-unblocked = 取消屏蔽对话
history-chat-stopped = 对方要求机器人停止
history-attachment-downloaded = 下载文件

## Phone report form
phone-title = 电话登记
phone-who = 来电
phone-caller = 谁在来电
phone-language = 通话语言
phone-where = 当事人在哪里
phone-country = 国家
phone-country-unknown = 不清楚
phone-area = 省或城市
phone-area-hint = 可选择建议，也可输入任何地点。
phone-what = 发生了什么
phone-narrative = 按来电者的原话
phone-quick = 快速问题
question-minor = 是否有未满18岁的人？
question-confinement = 当事人是否被关押或禁锢？
question-documents_seized = 证件是否被拿走？
question-debt_bondage = 是否欠雇主债务？
question-injury_medical = 是否受伤或生病？
question-threat_violence = 是否受到威胁？
question-abroad = 是否在国外？
question-at_sea = 是否在海上？
answer-unknown = 不清楚
answer-yes = 是
answer-no = 否
phone-callback = 回电
phone-callback-name = 希望的称呼
phone-callback-phone = 电话号码
phone-safe-hours = 安全回电时间
phone-never-first = 不得主动联系
phone-no-voicemail = 不留语音信息
phone-save = 保存报告
phone-saved = 已保存，编号

## Supervisor's list
all-cases-title = 全部个案
all-cases-caption = 所有个案，最新的在前
filter-any = 全部
filter-apply = 筛选

## Search
search-title = 查找个案
search-explain = 按个案编号（HL-8F3K2）或回电号码查找。每次查找都会记入审计日志。
search-none = 没有符合的个案。

## My settings
settings-title = 我的设置
settings-console-language = 界面语言
settings-languages = 我能使用的语言
settings-languages-hint = “接下一个个案”会优先给你这些语言的个案，除非其他个案已超时。
settings-save = 保存

## Words the page script uses
js-request-failed = 请求失败（{ $status }）。请重试。
js-nothing-waiting = 没有等待的个案。
js-saving = 正在保存…
js-saved = 已保存。
js-new-critical = 新的危急个案 { $reference }
js-lease-left = 保留剩余 { $time }
js-lease-ending = 保留剩余 { $time }。继续保留？
js-lease-lost = 你对此个案的保留已到期，个案已回到队列。请重新接案后继续。
js-earlier-cases = 此号码以前的个案（勾选以关联；不会自动关联）：
js-live-on = 实时更新已开启。
js-live-off = 实时更新暂停；你回到页面时会刷新。
js-updated = 已更新。

# Safe contact and callbacks (issue 13)
nav-my-callbacks = 我的回电
safe-title = 安全联系
safe-code-word = 暗号（开口前先问）
safe-cover-story = 掩护说法
safe-secrets-hidden = 暗号和掩护说法只显示给正在处理此案的人。
safe-windows = 安全时间
safe-any-time = 任何时间
safe-times-unclear = 无法从对方的话中读出时间：请先设置安全时间，再主动联系。
safe-own-words = 对方原话
safe-updated = 记录于 { $when }
callbacks-title = 回电
callbacks-none = 没有回电。
callback-overdue = 已逾期
my-callbacks-title = 我的回电
my-callbacks-none = 没有您的回电。
history-case-safe-contact-changed = 安全联系规则已更改
history-callback-scheduled = 已安排回电
history-callback-attempted = 已尝试回电
history-callback-approved = 未接来电：已批准回电
history-callback-dismissed = 已驳回未接来电
history-callback-missed-call = 电话系统的未接来电
history-callback-follow-ups-planned = 已安排后续回访
