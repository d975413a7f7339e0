//! Who did what: every preservation event names the software, the person operating sohoa
//! (`--operator`, else the operating-system account) and the agency holding the case; a later
//! command's events name its own operator; the archival package's PREMIS carries them.

mod common;

use common::{files_under, jpeg_bytes, Work};
use serde_json::Value;

const REGISTER: &str = "Mã hồ sơ,Thư mục,Tên TTHC,Cơ quan,Người nộp,Ngày tiếp nhận\n\
HS-01,a,Đăng ký khai sinh,UBND xã Hiệp Thạnh,Nguyễn Văn An,01/07/2025\n";

/// `data/events.json` of the bag at `root` (relative to the archive).
fn events(w: &Work, root: &str) -> Value {
    let path = w.archive().join(root).join("data/events.json");
    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap()
}

fn agents_of(e: &Value) -> Vec<String> {
    e["linking_agent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_event_names_the_operator_and_the_agency() {
    let w = Work::empty();
    std::fs::create_dir_all(w.scans().join("a")).unwrap();
    std::fs::write(w.scans().join("a/1.jpg"), jpeg_bytes()).unwrap();
    std::fs::write(w.scans().join("hoso.csv"), REGISTER).unwrap();
    let (code, report) = w.ingest(&["--operator", "Nguyễn Thị Lan"]);
    assert_eq!(code, 0, "{report:#}");
    let id = report["cases"][0]["case_id"].as_str().unwrap().to_string();
    let log = events(&w, &format!("bags/{id}"));
    let types: Vec<(&str, &str)> = log["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["identifier"].as_str().unwrap(),
                a["agent_type"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        types,
        [
            ("sohoa", "software"),
            ("person:Nguyễn Thị Lan", "person"),
            ("org:UBND xã Hiệp Thạnh", "organization")
        ]
    );
    let all = log["events"].as_array().unwrap();
    assert!(all.len() >= 4, "{log:#}");
    for e in all {
        assert_eq!(
            agents_of(e),
            ["sohoa", "person:Nguyễn Thị Lan", "org:UBND xã Hiệp Thạnh"],
            "{e:#}"
        );
    }

    // The archival package's PREMIS names them too.
    let archive = w.archive();
    let out_dir = w.dir.path().join("aip");
    let out = w.sohoa(&[
        "export",
        &id,
        "--archive",
        archive.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
        "--operator",
        "Lê Văn Xuất",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let premis = files_under(&out_dir)
        .into_iter()
        .find(|p| p.ends_with("metadata/preservation/PREMIS.xml"))
        .expect("the AIP's PREMIS.xml");
    let xml = std::fs::read_to_string(premis).unwrap();
    // The package's own creation (the last event) names the one exporting.
    let last = xml.rfind("<premis:event>").expect("events");
    let end = xml[last..]
        .find("</premis:event>")
        .map_or(xml.len(), |e| last + e);
    let creation = &xml[last..end];
    assert!(
        creation.contains("information package creation"),
        "{creation}"
    );
    for agent in ["sohoa", "person:Lê Văn Xuất", "org:UBND xã Hiệp Thạnh"] {
        assert!(creation.contains(agent), "{agent} not linked: {creation}");
    }
    for want in [
        "<premis:agentName>Nguyễn Thị Lan</premis:agentName>",
        "<premis:agentType>person</premis:agentType>",
        "<premis:agentName>UBND xã Hiệp Thạnh</premis:agentName>",
    ] {
        assert!(xml.contains(want), "{want} missing in PREMIS.xml");
    }

    // Withdrawn by someone else (here the operating-system account): that event names them.
    let out = w
        .command()
        .env("USER", "tran.minh")
        .env_remove("SOHOA_OPERATOR")
        .args([
            "withdraw",
            &id,
            "--archive",
            archive.to_str().unwrap(),
            "--reason",
            "nộp nhầm",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let withdrawn = w.withdrawn_version(&id);
    let rel = withdrawn
        .strip_prefix(&archive)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let log = events(&w, &rel);
    let last = log["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["event_type"], "deaccession", "{last:#}");
    assert_eq!(
        agents_of(&last),
        ["sohoa", "person:tran.minh", "org:UBND xã Hiệp Thạnh"]
    );
    let first = log["events"][0].clone();
    assert!(!agents_of(&first).contains(&"person:tran.minh".to_string()));
}
