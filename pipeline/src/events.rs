//! PREMIS-style preservation events (`data/events.json`): what was done to a case, when,
//! by which program and version, with what outcome, linked to the objects concerned.

use serde::Serialize;
use time::OffsetDateTime;

/// LoC preservation event types used by sohoa: (code, label).
pub mod kind {
    pub const INGESTION: (&str, &str) = ("ing", "ingestion");
    pub const METADATA_EXTRACTION: (&str, &str) = ("mee", "metadata extraction");
    pub const METADATA_MODIFICATION: (&str, &str) = ("mem", "metadata modification");
    pub const DIGEST: (&str, &str) = ("mes", "message digest calculation");
    pub const VALIDATION: (&str, &str) = ("val", "validation");
    pub const NORMALIZATION: (&str, &str) = ("nor", "normalization");
    pub const CREATION: (&str, &str) = ("cre", "creation");
    pub const PACKAGE_CREATION: (&str, &str) = ("ipc", "information package creation");
    pub const MODIFICATION: (&str, &str) = ("mod", "modification");
    pub const DEACCESSION: (&str, &str) = ("dea", "deaccession");
}

/// `success`, `warning` or `failure` (LoC eventOutcome suc/war/fai).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Success,
    Warning,
    Failure,
}

impl Outcome {
    fn uri(self) -> &'static str {
        match self {
            Outcome::Success => "http://id.loc.gov/vocabulary/preservation/eventOutcome/suc",
            Outcome::Warning => "http://id.loc.gov/vocabulary/preservation/eventOutcome/war",
            Outcome::Failure => "http://id.loc.gov/vocabulary/preservation/eventOutcome/fai",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkingObject {
    pub identifier: String,
    /// `source` or `outcome`.
    pub role: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub event_identifier: String,
    pub event_identifier_type: &'static str,
    pub event_type: &'static str,
    pub event_type_uri: String,
    pub event_datetime: String,
    pub event_detail: String,
    pub event_outcome: Outcome,
    pub event_outcome_uri: &'static str,
    pub event_outcome_detail_note: String,
    pub linking_agent: Vec<String>,
    pub linking_objects: Vec<LinkingObject>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Agent {
    pub identifier: String,
    pub name: String,
    /// `software` or `organization`.
    pub agent_type: &'static str,
    pub version: Option<String>,
}

/// The events of one case, with the agents they link to.
#[derive(Debug, Clone, Serialize)]
pub struct EventLog {
    pub schema: &'static str,
    pub schema_version: u32,
    pub agents: Vec<Agent>,
    pub events: Vec<Event>,
}

pub const SOFTWARE_AGENT: &str = "sohoa";

impl EventLog {
    pub fn new(organization: Option<&str>) -> Self {
        let mut agents = vec![Agent {
            identifier: SOFTWARE_AGENT.into(),
            name: "sohoa".into(),
            agent_type: "software",
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }];
        if let Some(org) = organization {
            agents.push(Agent {
                identifier: format!("org:{org}"),
                name: org.into(),
                agent_type: "organization",
                version: None,
            });
        }
        EventLog {
            schema: "sohoa/events",
            schema_version: 1,
            agents,
            events: Vec::new(),
        }
    }

    /// Records an event now. `detail` follows the `program="..."; version="..."` pattern.
    pub fn add(
        &mut self,
        kind: (&'static str, &'static str),
        detail: String,
        outcome: Outcome,
        note: String,
        objects: Vec<LinkingObject>,
    ) {
        let now = OffsetDateTime::now_utc().to_offset(crate::VN_OFFSET);
        let agents = self.agents.iter().map(|a| a.identifier.clone()).collect();
        self.events.push(Event {
            event_identifier: uuid::Uuid::new_v4().to_string(),
            event_identifier_type: "UUID",
            event_type: kind.1,
            event_type_uri: format!(
                "http://id.loc.gov/vocabulary/preservation/eventType/{}",
                kind.0
            ),
            event_datetime: timestamp(now),
            event_detail: detail,
            event_outcome: outcome,
            event_outcome_uri: outcome.uri(),
            event_outcome_detail_note: note,
            linking_agent: agents,
            linking_objects: objects,
        });
    }
}

/// `program="sohoa"; version="x"; step="..."`.
pub fn detail(step: &str) -> String {
    format!(
        "program=\"sohoa\"; version=\"{}\"; step=\"{step}\"",
        env!("CARGO_PKG_VERSION")
    )
}

/// An object the event used: a scan folder or file, a register, a bag file. Identity numbers in
/// its name are masked (the record, metadata.json, keeps the names as they are).
pub fn source(id: impl Into<String>) -> LinkingObject {
    LinkingObject {
        identifier: crate::privacy::mask_ids_loose(&id.into()).into_owned(),
        role: "source",
    }
}

/// An object the event made (identity numbers in its name masked, as for [`source`]).
pub fn outcome(id: impl Into<String>) -> LinkingObject {
    LinkingObject {
        identifier: crate::privacy::mask_ids_loose(&id.into()).into_owned(),
        role: "outcome",
    }
}

/// ISO 8601 with milliseconds and offset, e.g. `2026-11-23T14:05:09.123+07:00`.
pub fn timestamp(t: OffsetDateTime) -> String {
    let off = t.offset();
    let sign = if off.is_negative() { '-' } else { '+' };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}{sign}{:02}:{:02}",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond(),
        off.whole_hours().abs(),
        off.minutes_past_hour().abs()
    )
}
