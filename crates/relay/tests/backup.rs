//! `tandem-relay backup` copies the database of a running relay while its
//! clients push, and a relay restored from the copy lets them carry on:
//! everything acknowledged before the backup is there, and new pushes
//! continue the sequence.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use support::device::Device;
use support::files::Folder;
use support::relay::start;
use tandem_relay::Limits;
use tandem_sync::Invite;

mod support;

fn backup_command(db: &Path, copy: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tandem-relay"))
        .arg("--db")
        .arg(db)
        .arg("backup")
        .arg(copy)
        .output()
        .expect("the relay's binary runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_restored_from_a_backup_taken_while_clients_push_lets_them_carry_on() {
    let folder = Folder::new("backup");
    let db = folder.0.join("rooms.sqlite3");
    let (addr, server) = start(
        &db,
        Limits {
            pushes_per_second: 1000,
            ..Limits::default()
        },
    )
    .await;

    // A programme shared between two cities, with some history.
    let invite = Invite::new_room().unwrap();
    let (mut anna, _) = Device::join(addr, &invite, 0).await;
    let (mut ben, _) = Device::join(addr, &invite, 0).await;
    let mut acknowledged = Vec::new();
    for n in 1..=12 {
        let changes = format!("Düsseldorf, Änderung {n}").into_bytes();
        assert_eq!(anna.push(&changes).await, n);
        acknowledged.push(changes);
        assert_eq!(ben.expect_changes().await.0, n);
    }

    // Meanwhile another room is written without pause, through the backup.
    let busy = Invite::new_room().unwrap();
    let writing = Arc::new(AtomicBool::new(true));
    let busy_acks = Arc::new(std::sync::Mutex::new(Vec::new()));
    let writer = {
        let (writing, busy_acks, busy) =
            (Arc::clone(&writing), Arc::clone(&busy_acks), busy.clone());
        tokio::spawn(async move {
            let (mut clara, _) = Device::join(addr, &busy, 0).await;
            let mut n = 0_u32;
            while writing.load(Ordering::Acquire) {
                n += 1;
                let changes = format!("Köln, Änderung {n}").into_bytes();
                let sequence = clara.push(&changes).await;
                busy_acks.lock().unwrap().push((sequence, changes));
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(400)).await;
    let acknowledged_before = busy_acks.lock().unwrap().clone();
    assert!(
        !acknowledged_before.is_empty(),
        "the other room was written"
    );

    let copy = folder.0.join("backup.sqlite3");
    let output = {
        let (db, copy) = (db.clone(), copy.clone());
        tokio::task::spawn_blocking(move || backup_command(&db, &copy))
            .await
            .unwrap()
    };
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("(2 rooms,"),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    // The relay went on serving during the backup.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(busy_acks.lock().unwrap().len() > acknowledged_before.len());
    writing.store(false, Ordering::Release);
    writer.await.unwrap();
    let anna_seen = anna.client.last_seen();
    let ben_seen = ben.client.last_seen();
    drop((anna, ben));
    server.abort();

    // A backup never overwrites a file.
    let again = backup_command(&db, &copy);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));

    // Restored: the copy in the place of a (new) relay's database.
    let restored = folder.0.join("restored.sqlite3");
    std::fs::copy(&copy, &restored).unwrap();
    let (addr, _restored_server) = start(
        &restored,
        Limits {
            pushes_per_second: 1000,
            ..Limits::default()
        },
    )
    .await;

    // The devices resume where they were: nothing to catch up, and their
    // next pushes continue the sequence.
    let (mut anna, missed) = Device::join(addr, &invite, anna_seen).await;
    assert!(missed.is_empty());
    let (mut ben, _) = Device::join(addr, &invite, ben_seen).await;
    assert_eq!(anna.push(b"Dortmund kommt dazu").await, 13);
    assert_eq!(
        ben.expect_changes().await,
        (13, b"Dortmund kommt dazu".to_vec())
    );

    // A device new to the room gets everything, in order.
    let (_dora, everything) = Device::join(addr, &invite, 0).await;
    acknowledged.push(b"Dortmund kommt dazu".to_vec());
    assert_eq!(everything, acknowledged);

    // Of the room written during the backup, everything acknowledged
    // before the backup began is there, in order.
    let (_eva, busy_room) = Device::join(addr, &busy, 0).await;
    assert!(busy_room.len() >= acknowledged_before.len());
    for (index, (sequence, changes)) in acknowledged_before.iter().enumerate() {
        assert_eq!(*sequence, index as u64 + 1);
        assert_eq!(&busy_room[index], changes);
    }
}

#[test]
fn a_backup_of_a_database_that_is_not_there_says_so() {
    let folder = Folder::new("backup-missing");
    let output = backup_command(
        &folder.0.join("nothing.sqlite3"),
        &folder.0.join("copy.sqlite3"),
    );
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("there is no database"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!folder.0.join("copy.sqlite3").exists());
}
