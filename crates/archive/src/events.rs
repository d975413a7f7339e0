//! PREMIS-style preservation events (`data/events.json`): what was done to a case, when,
//! by which program and version, with what outcome, linked to the objects concerned.

use serde::{Deserialize, Serialize};

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
    pub const SIGNATURE_GENERATION: (&str, &str) = ("dig", "digital signature generation");
}

/// `success`, `warning` or `failure` (LoC eventOutcome suc/war/fai).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    #[default]
    Success,
    Warning,
    Failure,
}

impl Outcome {
    pub fn uri(self) -> &'static str {
        match self {
            Outcome::Success => "http://id.loc.gov/vocabulary/preservation/eventOutcome/suc",
            Outcome::Warning => "http://id.loc.gov/vocabulary/preservation/eventOutcome/war",
            Outcome::Failure => "http://id.loc.gov/vocabulary/preservation/eventOutcome/fai",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LinkingObject {
    pub identifier: String,
    /// `source` or `outcome`.
    pub role: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Event {
    pub event_identifier: String,
    pub event_identifier_type: String,
    pub event_type: String,
    pub event_type_uri: String,
    pub event_datetime: String,
    pub event_detail: String,
    pub event_outcome: Outcome,
    pub event_outcome_uri: String,
    pub event_outcome_detail_note: String,
    pub linking_agent: Vec<String>,
    pub linking_objects: Vec<LinkingObject>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Agent {
    pub identifier: String,
    pub name: String,
    /// `software`, `organization` or `person` (PREMIS agentType).
    pub agent_type: String,
    pub version: Option<String>,
}

/// The events of one case, with the agents they link to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventLog {
    pub schema: String,
    pub schema_version: u32,
    pub agents: Vec<Agent>,
    pub events: Vec<Event>,
    /// The agents of the run now recording (see [`EventLog::acting`]); not stored.
    #[serde(skip)]
    acting: Vec<String>,
    /// The first event of the run now recording.
    #[serde(skip)]
    run_start: usize,
}

/// The agent identifier of a person (`person:<name>`) or an agency (`org:<name>`).
pub fn agent_id(agent_type: &str, name: &str) -> String {
    match agent_type {
        "person" => format!("person:{name}"),
        _ => format!("org:{name}"),
    }
}

/// Who operates sohoa here when nobody is named: the operating-system account
/// (`USER`, `LOGNAME` or `USERNAME`), if any.
pub fn os_operator() -> Option<String> {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .map(|v| v.trim().to_string())
        .find(|v| !v.is_empty())
}

pub const SOFTWARE_AGENT: &str = "sohoa";
/// Schema name and version of `events.json`.
pub const SCHEMA: &str = "sohoa/events";
pub const SCHEMA_VERSION: u32 = 1;
/// The event log's payload file name, and its path inside a bag.
pub const FILE: &str = "events.json";
pub const PATH: &str = "data/events.json";

impl EventLog {
    /// Reads `data/events.json` (every field has a default, so older logs load).
    pub fn load(bytes: &[u8]) -> Result<EventLog, String> {
        let log: EventLog = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        if log.schema != SCHEMA {
            return Err(format!(
                "not a sohoa event log (schema is not \"{SCHEMA}\")"
            ));
        }
        Ok(log)
    }

    /// The log as written to `data/events.json`: pretty JSON, fields in a fixed order.
    pub fn to_json(&self) -> Vec<u8> {
        // Strings, numbers and lists only: serde_json cannot fail on them.
        serde_json::to_vec_pretty(self).unwrap_or_default()
    }

    pub fn new(organization: Option<&str>) -> Self {
        let mut agents = vec![Agent {
            identifier: SOFTWARE_AGENT.into(),
            name: "sohoa".into(),
            agent_type: "software".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }];
        if let Some(org) = organization {
            agents.push(Agent {
                identifier: format!("org:{org}"),
                name: org.into(),
                agent_type: "organization".into(),
                version: None,
            });
        }
        EventLog {
            schema: SCHEMA.into(),
            schema_version: SCHEMA_VERSION,
            agents,
            events: Vec::new(),
            acting: Vec::new(),
            run_start: 0,
        }
    }

    /// The agent `(type, name)`, added to the log's agents when it is new; its identifier.
    fn agent(&mut self, agent_type: &str, name: &str) -> String {
        let id = agent_id(agent_type, name);
        if !self.agents.iter().any(|a| a.identifier == id) {
            self.agents.push(Agent {
                identifier: id.clone(),
                name: name.into(),
                agent_type: agent_type.into(),
                version: None,
            });
        }
        id
    }

    /// Who acts in the run that records from now on: sohoa itself, the person operating it
    /// (`--operator`, the web's signed-in user) and the agency holding the case. Every event
    /// added after this links to them, and only to them (an earlier run's operator is not
    /// linked to a later run's events). Names are masked like the rest of the log.
    pub fn acting(&mut self, operator: Option<&str>, agency: Option<&str>) {
        self.run_start = self.events.len();
        self.acting = vec![SOFTWARE_AGENT.to_string()];
        if let Some(op) = clean(operator) {
            let id = self.agent("person", &op);
            self.acting.push(id);
        }
        if let Some(ag) = clean(agency) {
            self.agency(&ag);
        }
    }

    /// The agents [`EventLog::acting`] named (the software first), for an event recorded
    /// elsewhere (an archival package's own creation); empty when nobody was named.
    pub fn acting_agents(&self) -> &[String] {
        &self.acting
    }

    /// The agency holding the case, once it is known (ingest reads it from the register after
    /// its first events): linked to this run's events so far and to those that follow.
    pub fn agency(&mut self, agency: &str) {
        let Some(agency) = clean(Some(agency)) else {
            return;
        };
        let id = self.agent("organization", &agency);
        if self.acting.is_empty() {
            self.acting = vec![SOFTWARE_AGENT.to_string()];
        }
        if !self.acting.contains(&id) {
            self.acting.push(id.clone());
        }
        for e in self.events.iter_mut().skip(self.run_start) {
            if !e.linking_agent.contains(&id) {
                e.linking_agent.push(id.clone());
            }
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
        let now = crate::time_format::now();
        let agents = if self.acting.is_empty() {
            // Nobody named: the software and the organizations (never an earlier run's person).
            self.agents
                .iter()
                .filter(|a| a.agent_type != "person")
                .map(|a| a.identifier.clone())
                .collect()
        } else {
            self.acting.clone()
        };
        self.events.push(Event {
            event_identifier: uuid::Uuid::new_v4().to_string(),
            event_identifier_type: "UUID".into(),
            event_type: kind.1.into(),
            event_type_uri: format!(
                "http://id.loc.gov/vocabulary/preservation/eventType/{}",
                kind.0
            ),
            event_datetime: timestamp(now),
            event_detail: detail,
            event_outcome: outcome,
            event_outcome_uri: outcome.uri().into(),
            event_outcome_detail_note: note,
            linking_agent: agents,
            linking_objects: objects,
        });
    }
}

/// A name for the log: whitespace collapsed, identity numbers masked; `None` when empty.
fn clean(name: Option<&str>) -> Option<String> {
    let name = name?.split_whitespace().collect::<Vec<_>>().join(" ");
    (!name.is_empty()).then(|| crate::privacy::mask_ids_loose(&name).into_owned())
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
        role: "source".into(),
    }
}

/// An object the event made (identity numbers in its name masked, as for [`source`]).
pub fn outcome(id: impl Into<String>) -> LinkingObject {
    LinkingObject {
        identifier: crate::privacy::mask_ids_loose(&id.into()).into_owned(),
        role: "outcome".into(),
    }
}

pub use crate::time_format::timestamp;

#[cfg(test)]
mod tests {
    use super::*;

    fn agents_of(log: &EventLog, i: usize) -> Vec<&str> {
        log.events[i]
            .linking_agent
            .iter()
            .map(String::as_str)
            .collect()
    }

    #[test]
    fn every_event_names_the_operator_and_the_agency_of_its_run() {
        let mut log = EventLog::new(None);
        log.acting(Some("  Nguyễn  Thị Lan "), None);
        log.add(
            kind::INGESTION,
            detail("ingest"),
            Outcome::Success,
            String::new(),
            Vec::new(),
        );
        // The agency is read from the register after the first event: linked to it too.
        log.agency("UBND xã Tân Hòa");
        log.add(
            kind::VALIDATION,
            detail("v"),
            Outcome::Success,
            String::new(),
            Vec::new(),
        );
        for i in 0..2 {
            assert_eq!(
                agents_of(&log, i),
                ["sohoa", "person:Nguyễn Thị Lan", "org:UBND xã Tân Hòa"]
            );
        }
        // A later run by someone else: its events name them, not the first operator.
        let mut later = EventLog::load(&log.to_json()).expect("reads back");
        later.acting(Some("tran.minh"), Some("UBND xã Tân Hòa"));
        later.add(
            kind::MODIFICATION,
            detail("ocr"),
            Outcome::Success,
            String::new(),
            Vec::new(),
        );
        assert_eq!(
            agents_of(&later, 2),
            ["sohoa", "person:tran.minh", "org:UBND xã Tân Hòa"]
        );
        let types: Vec<(&str, &str)> = later
            .agents
            .iter()
            .map(|a| (a.identifier.as_str(), a.agent_type.as_str()))
            .collect();
        assert_eq!(
            types,
            [
                ("sohoa", "software"),
                ("person:Nguyễn Thị Lan", "person"),
                ("org:UBND xã Tân Hòa", "organization"),
                ("person:tran.minh", "person"),
            ]
        );
        // Nobody named (an older caller): the software and the agencies, never a person.
        let mut anon = EventLog::load(&later.to_json()).expect("reads back");
        anon.add(
            kind::VALIDATION,
            detail("v"),
            Outcome::Success,
            String::new(),
            Vec::new(),
        );
        assert_eq!(agents_of(&anon, 3), ["sohoa", "org:UBND xã Tân Hòa"]);
    }

    #[test]
    fn identity_numbers_in_names_are_masked() {
        let mut log = EventLog::new(None);
        log.acting(Some("Lan 001203004567"), None);
        assert!(
            !log.agents[1].name.contains("001203004567"),
            "{:?}",
            log.agents
        );
    }
}
