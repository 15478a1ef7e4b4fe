//! `hotline seed-synthetic --contacts N --cases M`: a year of invented traffic, generated inside
//! PostgreSQL (`INSERT … SELECT … generate_series`, in batches), for measuring the supervisor's
//! queries at realistic sizes. Every row is synthetic: no text is stored for messages, the
//! triage reasons are one sealed empty list, and references start with `SY`.
//!
//! The shape follows a hotline's: most cases arrive by chat, a few by phone and email; most
//! are closed; answer times depend on the level (critical quickest), with a tail past the
//! target; a few dozen cases from the last hours are still waiting.

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::crypto::KeyRing;

/// Rows per INSERT, so a million messages never sit in one transaction's memory.
const BATCH: i64 = 50_000;

pub struct Seeded {
    pub cases: i64,
    pub messages: i64,
    pub seconds: f64,
}

/// Adds `cases` cases with `contacts` inbound messages between them, spread over the year
/// before `now`. Safe to run more than once (each run adds more).
pub async fn seed_synthetic(
    db: &PgPool,
    keys: &KeyRing,
    contacts: i64,
    cases: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<Seeded> {
    anyhow::ensure!(cases > 0, "--cases must be at least 1");
    anyhow::ensure!(
        contacts >= cases,
        "--contacts must be at least --cases (one message opens each case)"
    );
    let started = std::time::Instant::now();
    let run: i64 = sqlx::query_scalar("SELECT COALESCE(max(id), 0) + 1 FROM answer_clocks")
        .fetch_one(db)
        .await
        .context("cannot reach PostgreSQL")?;
    let counselor: uuid::Uuid = sqlx::query_scalar(
        "INSERT INTO users (id, email, role, password_hash, created_at)
         VALUES (gen_random_uuid(), 'synthetic-counselor@hotline.invalid', 'counselor', '!', $1)
         ON CONFLICT (lower(email)) DO UPDATE SET active = users.active
         RETURNING id",
    )
    .bind(now)
    .fetch_one(db)
    .await
    .context("cannot add the synthetic counselor")?;
    let reasons = keys.seal("[]");
    // The cases of this run, numbered, with when each arrived (uniform over the year).
    sqlx::query("DROP TABLE IF EXISTS synthetic_cases")
        .execute(db)
        .await?;
    sqlx::query(
        "CREATE UNLOGGED TABLE synthetic_cases AS
         SELECT n, gen_random_uuid() AS id,
                $2::timestamptz - (random() * interval '365 days') AS at,
                random() AS r1, random() AS r2, random() AS r3
         FROM generate_series(1, $1::bigint) n",
    )
    .bind(cases)
    .bind(now)
    .execute(db)
    .await
    .context("cannot draw the synthetic cases")?;
    sqlx::query("CREATE UNIQUE INDEX ON synthetic_cases (n)")
        .execute(db)
        .await?;
    let mut from = 1;
    while from <= cases {
        let to = (from + BATCH - 1).min(cases);
        let mut tx = db.begin().await?;
        sqlx::query(
            "INSERT INTO reporters (id, created_at)
             SELECT id, at FROM synthetic_cases WHERE n BETWEEN $1 AND $2",
        )
        .bind(from)
        .bind(to)
        .execute(&mut *tx)
        .await?;
        // Channel: 45% LINE, 30% Telegram, 15% phone, 10% email. Level: 5% critical, 20% high,
        // 45% medium, 30% low. Cases from the last six hours are still open.
        sqlx::query(
            "INSERT INTO cases (id, reference, reporter_id, status, closing_reason, channel, caller,
                                language, country, urgency_level, urgency_rank, urgency_reasons_enc,
                                rules_version, waiting_since, awaiting_reply, created_at, updated_at,
                                answers)
             SELECT id, 'SY' || $4::bigint || '-' || n, id,
                    CASE WHEN at > $3 - interval '6 hours' THEN 'new' ELSE 'closed' END,
                    CASE WHEN at > $3 - interval '6 hours' THEN NULL
                         ELSE (ARRAY['resolved','referred_elsewhere','no_further_contact','not_trafficking'])[1 + floor(r3 * 4)::int] END,
                    CASE WHEN r1 < 0.45 THEN 'line' WHEN r1 < 0.75 THEN 'telegram'
                         WHEN r1 < 0.90 THEN 'phone' ELSE 'email' END,
                    (ARRAY['victim','relative','friend','coworker','professional','anonymous'])[1 + floor(r3 * 6)::int],
                    (ARRAY['th','my','km','lo','vi','zh','en'])[1 + floor(r2 * 7)::int],
                    (ARRAY['TH','MM','KH','LA','VN','CN','MY'])[1 + floor(r3 * 7)::int],
                    CASE WHEN r2 < 0.05 THEN 'critical' WHEN r2 < 0.25 THEN 'high'
                         WHEN r2 < 0.70 THEN 'medium' ELSE 'low' END,
                    CASE WHEN r2 < 0.05 THEN 3 WHEN r2 < 0.25 THEN 2 WHEN r2 < 0.70 THEN 1 ELSE 0 END,
                    $5, 'synthetic', at, at > $3 - interval '6 hours', at, at,
                    jsonb_build_object('minor', CASE WHEN r1 * 10 - floor(r1 * 10) < 0.15 THEN 'yes'
                                                     WHEN r1 * 10 - floor(r1 * 10) < 0.60 THEN 'no'
                                                     ELSE 'unknown' END)
             FROM synthetic_cases WHERE n BETWEEN $1 AND $2",
        )
        .bind(from)
        .bind(to)
        .bind(now)
        .bind(run)
        .bind(&reasons)
        .execute(&mut *tx)
        .await?;
        // The answer clock: phone cases answered at once; others after a wait that grows with
        // the level's target, a tenth of them past it. Open cases are still waiting.
        sqlx::query(
            "INSERT INTO answer_clocks (case_id, channel, started_by, started_at, claimed_at,
                                        stopped_by, stopped_at, answered_by, level,
                                        answer_seconds, target_seconds, within_target)
             SELECT c.id, c.channel,
                    CASE WHEN c.channel = 'phone' THEN 'phone_form' ELSE 'first_contact' END,
                    c.created_at,
                    CASE WHEN w.done THEN c.created_at + w.s * interval '0.8 second' END,
                    CASE WHEN NOT w.done THEN NULL
                         WHEN c.channel = 'phone' THEN 'phone_form' ELSE 'message' END,
                    CASE WHEN w.done THEN c.created_at + w.s * interval '1 second' END,
                    CASE WHEN w.done THEN $3::uuid END,
                    CASE WHEN w.done THEN c.urgency_level END,
                    CASE WHEN w.done THEN w.s END,
                    CASE WHEN w.done AND c.channel <> 'phone' THEN w.t END,
                    CASE WHEN w.done AND c.channel <> 'phone' THEN w.s <= w.t END
             FROM synthetic_cases s JOIN cases c ON c.id = s.id
             CROSS JOIN LATERAL (
                 SELECT c.status = 'closed' OR c.channel = 'phone' AS done,
                        CASE WHEN c.channel = 'phone' THEN 0
                             ELSE (t * (0.05 + 1.2 * s.r3 * s.r3))::int END AS s, t
                 FROM (SELECT CASE c.urgency_rank WHEN 3 THEN 120 WHEN 2 THEN 600
                                                  WHEN 1 THEN 3600 ELSE 86400 END AS t) tt
             ) w
             WHERE s.n BETWEEN $1 AND $2",
        )
        .bind(from)
        .bind(to)
        .bind(counselor)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO audit_log (actor_id, action, case_id, details, at)
             SELECT CASE WHEN c.channel = 'phone' THEN $3::uuid END, 'case.opened', c.id,
                    jsonb_build_object('channel', c.channel, 'level', c.urgency_level), c.created_at
             FROM synthetic_cases s JOIN cases c ON c.id = s.id WHERE s.n BETWEEN $1 AND $2",
        )
        .bind(from)
        .bind(to)
        .bind(counselor)
        .execute(&mut *tx)
        .await?;
        seed_records(&mut tx, keys, from, to, counselor, now).await?;
        tx.commit().await?;
        from = to + 1;
    }
    // Messages: the first of each case when it opened, the rest spread over the following hours.
    let mut from = 1;
    while from <= contacts {
        let to = (from + BATCH - 1).min(contacts);
        sqlx::query(
            "INSERT INTO messages (id, case_id, direction, channel, delivery, at, kind, author_kind)
             SELECT gen_random_uuid(), c.id, 'inbound', c.channel, 'received',
                    c.created_at + CASE WHEN m <= $3 THEN interval '0' ELSE random() * interval '6 hours' END,
                    'text', 'reporter'
             FROM generate_series($1::bigint, $2::bigint) m
             JOIN synthetic_cases s ON s.n = ((m - 1) % $3) + 1
             JOIN cases c ON c.id = s.id",
        )
        .bind(from)
        .bind(to)
        .bind(cases)
        .execute(db)
        .await
        .context("cannot add the synthetic messages")?;
        from = to + 1;
    }
    sqlx::query("DROP TABLE synthetic_cases")
        .execute(db)
        .await?;
    // Set the visibility map too, so period reports are index-only scans from the start.
    sqlx::query("VACUUM (ANALYZE) reporters, cases, messages, answer_clocks, audit_log")
        .execute(db)
        .await?;
    Ok(Seeded {
        cases,
        messages: contacts,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Seven cases in ten get a case record (sex, age band, nationality, places, forms of
/// exploitation), sealed and bound to its row as `referrals::save_record` seals it, so the
/// statistics export's record breakdowns open and parse one record per case as on a hotline.
async fn seed_records(
    tx: &mut sqlx::PgConnection,
    keys: &KeyRing,
    from: i64,
    to: i64,
    counselor: uuid::Uuid,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    use rand::{Rng as _, SeedableRng as _};

    use crate::referrals::record::{AgeBand, CaseRecord, Exploitation, Place, RecordStatus, Sex};
    let ids: Vec<(i64, uuid::Uuid)> = sqlx::query_as(
        "SELECT n, id FROM synthetic_cases WHERE n BETWEEN $1 AND $2 AND n % 10 < 7",
    )
    .bind(from)
    .bind(to)
    .fetch_all(&mut *tx)
    .await?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(from as u64);
    let countries = ["TH", "MM", "KH", "LA", "VN", "CN"];
    let provinces = crate::console::provinces::all();
    let (mut case_ids, mut sealed, mut statuses, mut forms) = (vec![], vec![], vec![], vec![]);
    for (_, case_id) in ids {
        let nationality = countries[rng.gen_range(0..countries.len())];
        let province = provinces
            .get(nationality)
            .filter(|list| !list.is_empty() && rng.gen_bool(0.8))
            .map(|list| list[rng.gen_range(0..list.len())].english.clone());
        let minor = rng.gen_bool(0.15);
        let exploitation: Vec<Exploitation> = (0..rng.gen_range(1..=2))
            .map(|_| Exploitation::ALL[rng.gen_range(0..Exploitation::ALL.len())])
            .collect();
        let status = [
            RecordStatus::Potential,
            RecordStatus::Presumed,
            RecordStatus::NotTrafficking,
        ][rng.gen_range(0..3)];
        let record = CaseRecord {
            sex: [Sex::Female, Sex::Female, Sex::Male, Sex::Unknown][rng.gen_range(0..4)],
            gender_identity: None,
            age: Some(if minor {
                rng.gen_range(12..18)
            } else {
                rng.gen_range(18..50)
            }),
            age_band: if minor {
                AgeBand::Under18
            } else {
                AgeBand::Adult
            },
            nationality: Some(nationality.to_owned()),
            languages: vec![],
            origin: Place {
                country: Some(nationality.to_owned()),
                province,
                district: None,
            },
            location: Place::default(),
            destination_country: Some(countries[rng.gen_range(0..countries.len())].to_owned()),
            exploitation: exploitation.clone(),
            status,
            official_outcome: None,
        };
        sealed.push(keys.seal_at(
            &serde_json::to_string(&record)?,
            "case_records",
            "record_enc",
            case_id,
        ));
        case_ids.push(case_id);
        statuses.push(status.as_str());
        forms.push(
            exploitation
                .iter()
                .map(|e| e.as_str())
                .collect::<Vec<_>>()
                .join(","),
        );
    }
    sqlx::query(
        "INSERT INTO case_records (case_id, record_enc, status, exploitation, updated_by, updated_at)
         SELECT id, enc, status, string_to_array(forms, ','), $5, $6
         FROM unnest($1::uuid[], $2::bytea[], $3::text[], $4::text[]) AS r (id, enc, status, forms)",
    )
    .bind(&case_ids)
    .bind(&sealed)
    .bind(&statuses)
    .bind(&forms)
    .bind(counselor)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
