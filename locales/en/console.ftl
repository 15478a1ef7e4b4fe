# hotline console — English (the source language).
# Every other language file has exactly these keys (the catalogue test checks).

## Layout and navigation
skip-to-content = Skip to the page content
nav-label = Main
nav-queue = Queue
nav-phone-report = Phone report
nav-all-cases = All cases
nav-settings = My settings
search-label = Find a case by reference or phone number
search-placeholder = HL-… or phone number
search-button = Find
sign-out = Sign out
shortcuts-button = Shortcuts
shortcuts-title = Keyboard shortcuts
shortcut-claim-next = Claim the next case
shortcut-reply = Write a reply (case page)
shortcut-note = Add a note (case page)
shortcut-search = Find a case
shortcut-queue = Go to the queue
shortcut-help = Show this list
close = Close
none = none
actor-system = system
bytes = { $count } bytes

## Notices
unavailable-title = Unavailable
database-unavailable = The database is unavailable. Nothing is lost; please try again in a moment.
sessions-unavailable = Console sign-in needs Redis, which is unavailable. Intake and the API keep working; ask an administrator.
not-found-title = Not found
case-not-found = There is no such case.
supervisors-only = Only supervisors see all cases.

## Sign-in
login-title = Sign in
login-email = Email
login-password = Password
login-submit = Sign in
login-expired = The form expired. Please sign in again.
login-rate-limited = Too many attempts. Wait a few minutes and try again.
login-wrong = Email or password is not right.

## Queue
queue-title = Queue
queue-caption = Open cases, most urgent first
queue-empty = The queue is empty.
claim-next = Claim next case
claim-prefers = Cases in { $languages } come first when nobody is overdue.
mine-title = Cases you hold ({ $count })
unread = { $count ->
    [one] 1 new message
   *[other] { $count } new messages
}
held-until = held until { $time }
col-case = Case
col-level = Level
col-indicators = Indicators
col-language = Language
col-channel = Channel
col-status = Status
col-waiting = Waiting
col-held-by = Held by
col-opened = Opened
raised-from = raised from { $level } after waiting
waiting-minutes = waiting { $minutes } min
waiting-overdue = waiting { $minutes } min · { $over } min overdue

## Levels
level-critical = Critical
level-high = High
level-medium = Medium
level-low = Low

## Indicators
flag-minor = Under 18
flag-confinement = Held or locked in
flag-threat_violence = Threats or violence
flag-weapon = Weapon
flag-injury_medical = Injured or ill
flag-self_harm = Thoughts of self-harm
flag-pregnancy = Pregnant
flag-abroad = Abroad
flag-at_sea = At sea
flag-scam_compound = Scam compound
flag-documents_seized = Documents taken
flag-debt_bondage = Debt bondage
flag-unpaid_wages = Unpaid wages
flag-sexual_exploitation = Sexual exploitation
flag-forced_labour = Forced labour
flag-forced_marriage = Forced marriage
flag-missing_person = Missing person
flag-official_involvement = Officials involved
flag-deceptive_recruitment = Deceptive recruitment
flag-in_transit = Being moved now

## Statuses
status-new = New
status-in_progress = In progress
status-waiting = Waiting for the reporter
status-referred = Referred
status-closed = Closed

## Who is calling
caller-victim = The person at risk
caller-relative = A relative
caller-friend = A friend
caller-coworker = A co-worker
caller-professional = A professional (NGO, police, health)
caller-anonymous = Anonymous

## Closing reasons
closing-resolved = Resolved
closing-referred_elsewhere = Referred elsewhere
closing-no_further_contact = No further contact possible
closing-not_trafficking = Not trafficking
closing-duplicate = Duplicate of another case
closing-test_or_prank = Test or prank
closing-reporter_withdrew = The reporter withdrew

## Channels
channel-phone = Phone
channel-telegram = Telegram
channel-line = LINE
channel-email = Email

## Roles
role-counselor = counselor
role-supervisor = supervisor
role-admin = administrator

## Countries
country-TH = Thailand
country-LA = Laos
country-KH = Cambodia
country-MM = Myanmar
country-VN = Vietnam
country-CN = China
country-MY = Malaysia
country-SG = Singapore
country-ID = Indonesia
country-PH = Philippines
country-JP = Japan
country-KR = South Korea
country-TW = Taiwan
country-AE = United Arab Emirates

## Case page
case-title = Case { $reference }
summary-title = Summary
status-label = Status
held-by-label = Held by
held-by-nobody = nobody
raised-to = in the queue as { $level } (waited past its target)
lease-warning = Your hold on this case is about to end. Keep holding it, or it goes back to the queue.
lease-keep = Keep holding
action-claim = Claim this case
action-renew = Renew my hold
action-release = Release to the queue
fact-caller = Who called
fact-language = Language
fact-where = Where
fact-quick-answers = Quick answers (yes)
fact-contact-rules = Contact rules
fact-callback = Call back
callback-none = no number given
rule-never-first = Never contact first
rule-may-contact = May be contacted first
rule-channels = only by { $channels }
rule-safe-hours = safe hours { $hours }
rule-no-voicemail = no voicemail
rule-voicemail-ok = voicemail allowed
conversation-title = Conversation on { $channel }
report-title = The report
bot-messages = { $count ->
    [one] 1 message from the bot
   *[other] { $count } messages from the bot
}
tapped-answer = tapped by the person
quoted-text = quoted text
file-not-stored = not stored
author-reporter = Reporter
author-bot = Bot
author-counselor = Counselor
delivery-received = received
delivery-queued = sending…
delivery-sent = sent
delivery-failed = not delivered
delivery-cancelled = not sent (safe-contact rules)
scripts-label = Safety scripts ({ $language })
scripts-need-review = these texts still need a native speaker's review
script-introduce = Introduce yourself
script-check-safety = Check they are safe
script-delete-chat = Suggest deleting the chat
script-callback-ok = Ask if a call is all right
script-closing = Close the conversation
reply-label = Reply on { $channel }
reply-send = Send
reply-forbidden = Cannot write now: { $reason }
reply-forbidden-blocked = a supervisor blocked this chat; its messages are stored and not answered.
reply-forbidden-unreachable = the person blocked the bot or left the chat; nothing can be sent.
reply-forbidden-stopped = the person asked us to stop; wait until they write again.
reply-forbidden-channel = the person did not allow contact on this channel.
reply-forbidden-never-first = the person asked never to be contacted first and has not written recently; wait until they write.
chat-block = Block this chat
chat-unblock = Unblock this chat
phone-case-callback = This case came by phone: call back within the contact rules.
why-title = Why this urgency
reason-in-words = in the reporter's words:
reason-tapped = the person answered yes in the chat
reason-caller-said = the caller answered yes
override-by = { $who } set the level to { $level }
override-rules-said = the rules said { $level }
urgency-change = Change the level
urgency-reason = Reason
urgency-set = Set level
notes-title = Notes
note-label = New note
note-add = Add note
status-title = Status
status-new-label = New status
closing-reason-label = Closing reason
status-change = Change status
links-title = Linked cases (the same person; never automatic)
links-none = No linked cases.
link-label = Same person as case
link-add = Link
unlink = Unlink { $reference }
history-title = History
history-case-opened = Case opened
history-case-claimed = Claimed
history-case-released = Released to the queue
history-case-note-added = Note added
history-case-status-changed = Status changed
history-case-message-sent = Message sent to the reporter
history-case-linked = Linked to another case
history-case-unlinked = Link removed
history-case-urgency-overridden = Level changed by a counselor
history-case-reassessed = Level reassessed from new messages
history-chat-blocked = Chat blocked
history-chat-unblocked = Chat unblocked
history-chat-stopped = The person asked the bot to stop
history-attachment-downloaded = File downloaded

## Phone report form
phone-title = Phone report
phone-who = The call
phone-caller = Who is calling
phone-language = Language of the call
phone-where = Where the person at risk is
phone-country = Country
phone-country-unknown = Not known
phone-area = Province or city
phone-area-hint = Pick a suggestion or type any place.
phone-what = What is happening
phone-narrative = In the caller's words
phone-quick = Quick questions
question-minor = Is anyone involved under 18?
question-confinement = Is the person held or locked in?
question-documents_seized = Were their documents taken?
question-debt_bondage = Do they owe a debt to the employer?
question-injury_medical = Are they injured or ill?
question-threat_violence = Are they threatened?
question-abroad = Are they abroad?
question-at_sea = Are they at sea?
answer-unknown = Not known
answer-yes = Yes
answer-no = No
phone-callback = Calling back
phone-callback-name = Name they want to be called
phone-callback-phone = Phone number
phone-safe-hours = When it is safe to call
phone-never-first = Never contact first
phone-no-voicemail = No voicemail
phone-save = Save report
phone-saved = Saved as

## Supervisor's list
all-cases-title = All cases
all-cases-caption = Every case, newest first
filter-any = any
filter-apply = Filter

## Search
search-title = Find a case
search-explain = Search by a case reference (HL-8F3K2) or a call-back phone number. Every search is recorded in the audit log.
search-none = No case matches.

## My settings
settings-title = My settings
settings-console-language = Language of the console
settings-languages = Languages I can talk in
settings-languages-hint = "Claim next case" gives you cases in these languages first, unless another case has waited past its target.
settings-save = Save

## Words the page script uses
js-request-failed = The request failed ({ $status }). Please try again.
js-nothing-waiting = Nothing is waiting.
js-saving = Saving…
js-saved = Saved.
js-new-critical = New critical case { $reference }
js-lease-left = Your hold ends in { $time }
js-lease-ending = Your hold ends in { $time }. Keep holding?
js-lease-lost = Your hold on this case ended; it is back in the queue. Claim it again to go on.
js-earlier-cases = Earlier cases with this number (tick to link; nothing is linked automatically):
js-live-on = Live updates on.
js-live-off = Live updates paused; the page refreshes when you come back to it.
js-updated = Updated.

## Dashboard (supervisors)
nav-dashboard = Dashboard
dashboard-title = Dashboard
dashboard-supervisors-only = Only supervisors see the dashboard.
dash-updated = Updated { $time }
dash-waiting-total = Waiting in the queue
dash-breaching-now = Past the answer target now
dash-breaches-hour = Breaches in the last hour
dash-arrivals = New cases this hour
dash-arrivals-compare = { $now } (same hour last week: { $week })
dash-surge = surge
dash-depth-title = Queue depth
dash-by-level = By urgency
dash-by-channel = By channel
dash-oldest-title = Longest waits for a first answer
dash-none-waiting = Nobody is waiting for a first answer.
dash-col-waited = Waited
dash-col-target = Target
dash-breaching = Past target
dash-within = Within target
dash-held = held, not answered yet
dash-counselors-title = On shift
dash-col-person = Staff
dash-col-holds = Holds
dash-holds-none = holds no case
dash-held-for = { $reference } for { $minutes } min
dash-callbacks-title = Callbacks and referrals
dash-callbacks-due = Callbacks due now
dash-callbacks-overdue = Callbacks overdue
dash-referrals-past = Referrals past the acknowledgement target
dash-not-connected = not connected yet
dash-charts-title = Charts
dash-chart-answer = Answer times over the last 24 hours: { $level } (target { $target })
dash-chart-depth = People waiting for a first answer over the last 24 hours
dash-legend-target = target
queue-critical-breach = { $count } critical case(s) waiting past the { $minutes }-minute answer target: claim next now.
dash-seconds = { $n } s
dash-minutes = { $n } min
dash-hours = { $n } h
# Safe contact and callbacks (issue 13)
nav-my-callbacks = My callbacks
safe-title = Safe contact
safe-code-word = Code word (ask for it before you say anything)
safe-cover-story = Cover story
safe-secrets-hidden = The code word and cover story are shown to whoever holds the case.
safe-windows = Safe times
safe-any-time = any time
safe-times-unclear = Their words could not be read as times: set the safe windows before anyone contacts them first.
safe-own-words = In their words
safe-updated = Recorded { $when }
callbacks-title = Callbacks
callbacks-none = No callbacks.
callback-overdue = overdue
my-callbacks-title = My callbacks
my-callbacks-none = No callbacks are yours.
history-case-safe-contact-changed = Safe-contact rules changed
history-callback-scheduled = Callback scheduled
history-callback-attempted = Callback attempted
history-callback-approved = Missed call: callback approved
history-callback-dismissed = Missed call dismissed
history-callback-missed-call = Missed call from the phone system
history-callback-follow-ups-planned = Follow-up callbacks planned
## Referrals: the partner's page (issue 14)
partner-title = Referral { $reference }
partner-intro = The hotline referred a person to { $name }. This page shows only what the person agreed to share with you.
partner-status = Status
partner-expires = This link works until { $date }. Please do not forward it.
partner-acknowledge = Acknowledge receipt
partner-accept = Accept the referral
partner-decline = Decline the referral
partner-decline-reason = Why you decline
partner-outcome = Record the outcome
partner-outcome-label = Outcome
partner-note = Note (optional)
partner-done = Thank you. It is recorded.
partner-already = This was already recorded. Nothing changed.
partner-not-possible = This step is not possible now. Nothing changed.
partner-invalid = This link is not valid. Nothing was changed.
partner-expired = This link has expired. Nothing was changed. Please contact the hotline.
partner-revoked = This link was withdrawn. Nothing was changed. Please contact the hotline.
partner-unusable-title = Link not usable
partner-bad-input = The form was not filled in completely. Nothing was changed.
referral-status-draft = Draft
referral-status-requested = Sent, waiting for acknowledgement
referral-status-received = Acknowledged
referral-status-accepted = Accepted
referral-status-rejected = Declined
referral-status-completed = Completed
referral-status-cancelled = Cancelled
referral-status-failed = Could not be delivered
referral-outcome-person-reached = Person reached
referral-outcome-rescued = Rescued
referral-outcome-sheltered = Sheltered
referral-outcome-not-found = Not found
referral-outcome-declined-services = The person declined services
referral-outcome-not-a-trafficking-case = Not a trafficking case
referral-outcome-other = Other
packet-reference = Reference
packet-urgency = Urgency
packet-summary = Summary
packet-location = Where the person is
packet-danger-indicators = Danger signs
packet-safe-contact = Safe way to reach the person
packet-needs = Needs
packet-languages = Languages
packet-sex = Sex
packet-age-band = Age group
packet-nationality = Nationality
packet-documents = Documents
packet-exploitation = Forms of exploitation
packet-origin = Origin
packet-destination-country = Destination country

## Referrals and the partner directory in the console (issue 14)
nav-partners = Partners
partners-title = Partner directory
partners-name = Name
partners-type = Type
partners-coverage = Covers
partners-languages = Languages
partners-hours = Hours
partners-contact = Contact
partners-verified = Verified
partners-stale = not verified recently
partners-address = Street address (confidential)
partners-24h = 24 hours
partners-nationwide = whole country
referrals-title = Referrals
referrals-none = No referrals yet.
referrals-no-partner = No partner in the directory covers this case.
referral-partner = Partner
referral-summary = Summary for the partner (the only narrative they receive)
referral-override = Without consent, because
referral-override-none = — consent recorded —
referral-override-text = Why (free text)
referral-preview = Preview the packet
referral-send = Send the referral
referral-next = Declined: refer again, to { $name }
consent-given-by = Consent given by
consent-person = the person
consent-parent = a parent
consent-guardian = a guardian
consent-how = How
consent-phone = by phone
consent-chat = in the chat
consent-in-person = in person
consent-purpose = For what
consent-granted = Granted (untick if refused)
consent-record = Record consent
partner-type-police = Police
partner-type-prosecutor = Prosecutor
partner-type-shelter = Shelter
partner-type-social-welfare = Social welfare
partner-type-labour-inspection = Labour inspection
partner-type-embassy = Embassy or foreign affairs
partner-type-health = Health
partner-type-legal-aid = Legal aid
partner-type-ngo = NGO
partner-type-inter-agency-team = Inter-agency team
override-minor-at-risk = a minor at risk
override-imminent-danger = imminent danger to life
override-legal-duty = a legal duty to report
history-case-record-updated = Case record updated
history-consent-granted = Consent recorded
history-consent-refused = Refusal recorded
history-referral-requested = Referral sent
history-referral-consent-overridden = Referral sent without consent (override)
history-referral-received = The partner acknowledged the referral
history-referral-accepted = The partner accepted the referral
history-referral-rejected = The partner declined the referral
history-referral-completed = The partner recorded the outcome
history-referral-cancelled = Referral cancelled
history-referral-failed = Referral could not be delivered
history-referral-viewed-by-partner = The partner opened the referral
history-referral-escalated = Referral not acknowledged in time: supervisors alerted
history-referral-link-revoked = The partner's link was withdrawn
entry-title = Your entry in the hotline's referral directory
entry-intro = This is how the hotline lists your organisation. Please confirm it, or tell us what changed.
entry-confirm = Everything is correct
entry-correction = What changed
entry-send-correction = Send the correction
entry-thanks = Thank you. The hotline has your answer.
# Privacy (issue 17): a case seen in outline, breaking the glass.
outline-explain = You see this case's outline only: you do not hold it and have not worked on it. Claim it, or break the glass if you need it now.
fact-channel = Channel
fact-opened = Opened
break-glass-title = Break the glass
break-glass-reason-label = Reason
break-glass-reason-covering-shift = I am covering a colleague's shift
break-glass-reason-caller-on-line = The caller is on the line now
break-glass-reason-supervisor-request = A supervisor asked me to
break-glass-reason-other = Another reason
break-glass-text-label = Say why (supervisors review every glass break)
break-glass-submit = Open the full case for { $minutes } minutes (audited)
history-case-break-glass = Glass broken: full view granted
history-break-glass-reviewed = Glass break reviewed
history-case-possible-link = Maybe the same matter: an email quoting this case came from another sender

## Safe contact and callbacks: day names, callback statuses, how the rules were recorded
day-mon = Mon
day-tue = Tue
day-wed = Wed
day-thu = Thu
day-fri = Fri
day-sat = Sat
day-sun = Sun
callback-status-candidate = Missed call, to decide
callback-status-scheduled = Scheduled
callback-status-done = Done
callback-status-escalated = Escalated to supervisors
callback-status-closed = Closed
callback-status-dismissed = Dismissed
safe-how-chat = in the chat
safe-how-phone_form = on the phone form
safe-how-counselor = by a counselor
safe-how-callback_attempt = at a callback
safe-how-missed_call = from a missed call
safe-how-migration = from earlier records

# Retention and forget-me (issue 17)
retention-title = Keeping and erasing
legal-hold-on = Under legal hold since { $when } ({ $by })
legal-hold-explain = Retention and forget-me leave this case whole while the hold lasts.
legal-hold-reason = Reason for the hold (an investigation, a court order)
legal-hold-place = Put under legal hold
legal-hold-lift = Lift the legal hold
personal-erased = Personal data erased on { $when }; the statistics remain.
forget-requested = The person asked to be forgotten on { $when }. The case is kept because of the legal hold; nothing more is sent to them unless they write again.
forget-me-button = Erase this person's data (forget me)
forget-me-explain = Only when the person asks. Nothing more is sent to them, the hotline's Telegram messages are removed from their chat (LINE cannot remove them: tell the person to delete the chat), and all their cases are erased except those under legal hold. This cannot be undone.
js-forget-confirm = Erase everything this person told us, on all their cases? This cannot be undone.
js-forget-done = Erased { $erased } case(s); kept under legal hold: { $held }.
js-hold-lift-confirm = Lift the legal hold? Retention and forget-me will apply to this case again.
history-case-legal-hold-placed = Legal hold placed
history-case-legal-hold-lifted = Legal hold lifted
history-case-forget-me-erased = Erased at the person's request
history-case-forget-me-held = The person asked to be forgotten (kept: legal hold)
history-case-retention-erased = Personal data erased (retention)
