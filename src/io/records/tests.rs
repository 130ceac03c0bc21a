//! Tests of the records loader: hand-worked files through every step, read as CSV and as
//! Parquet in batches and pieces that cross each other, against a row-by-row reading.

use super::columns::BATCH_ROWS;
use super::*;
use crate::model::availability::Location;
use crate::progress::Silent;

#[test]
fn ascending_ids_and_ids_out_of_order_later_make_the_same_addresses() {
    // (id, download): rows 3 (no id) and 4 (negative speed) are rejected. Batches of 6 rows.
    let sorted = ["a;100", "a;50", ";10", "b;-5", "b;20", "c;30", "c;40", "d;5", "d;7", "e;1", "e;2", "f;3", "f;4"];
    let mut late = sorted;
    late[10] = "a;2"; // out of order in the second batch: read again with keys
    let mut early = sorted;
    early[1] = "z;50"; // out of order in the first batch: keys at once
    for rows in [sorted, late, early] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.csv");
        let text: String = rows.iter().map(|r| format!("{r};GM0363\n")).collect();
        std::fs::write(&path, format!("adres_id;download_mbps;gemeentecode\n{text}")).unwrap();
        let spec = nl(vec![path]);
        let av = load(&spec, Needs::ALL, &mut Silent).unwrap();
        // Expected: each usable row's address is the first usable row with its id.
        let usable: Vec<usize> = (0..rows.len()).filter(|&i| i != 2 && i != 3).collect();
        let mut first: Vec<(&str, u32)> = Vec::new();
        let mut address = Vec::new();
        for &i in &usable {
            let id = rows[i].split(';').next().unwrap();
            let a = first.iter().position(|(f, _)| *f == id).unwrap_or_else(|| {
                first.push((id, i as u32 + 1));
                first.len() - 1
            });
            address.push(a as u32);
        }
        assert_eq!(av.addresses.first_row, first.iter().map(|f| f.1).collect::<Vec<_>>(), "{rows:?}");
        assert_eq!(av.records.address, address, "{rows:?}");
        assert_eq!(av.records.row, usable.iter().map(|&i| i as u32 + 1).collect::<Vec<_>>());
        assert_eq!((av.record_rows.rows_in, av.record_rows.used, av.rejects.len()), (13, 11, 2));
    }
}

/// Fifteen rows in chunks of four: dictionaries, first usable rows, conflicts and rejects
/// that cross chunk boundaries come out as a row-by-row reading gives them.
#[test]
fn chunked_checks_equal_a_row_by_row_reading() {
    let rows = [
        "a;GM0363;100;glas",  // 1: address 0
        ";GM0363;100;glas",   // 2: no id
        "c;GM0014;50;dsl",    // 3: address 1
        "d;GM0363;-5;dsl",    // 4: negative speed, d not made here
        "e;GM9999X;10;dsl",   // 5: bad code
        "a;GM0363;30;dsl",    // 6: record of a
        "f;14;20;coax",       // 7: address 2, code 14 = GM0014
        "c;GM0363;1000;glas", // 8: c elsewhere: a conflict
        "d;0363;200;coax",    // 9: address 3 (first usable row of d)
        "g;GM0518;abc;glas",  // 10: bad speed
        "h;GM0518;5;vdsl",    // 11: address 4, new code and technology in chunk 3
        "d;GM0363;5;vdsl",    // 12: record of d, same place
        "i;;5;vdsl",          // 13: no location
        "c;GM0014;1;glas",    // 14: c again, its first place
        "j;GM0014;0;glas",    // 15: address 5
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.csv");
    std::fs::write(&path, format!("adres_id;gemeentecode;download_mbps;technologie\n{}\n", rows.join("\n"))).unwrap();
    let spec = nl(vec![path]);
    let av = load(&spec, Needs::ALL, &mut Silent).unwrap();
    assert_eq!(av.addresses.first_row, vec![1, 3, 7, 9, 11, 15]);
    assert_eq!(av.codes.codes, vec!["GM0363", "GM0014", "GM0518"]);
    let code = |a: usize| match av.addresses.location.get(a) {
        Location::Area(k) => av.codes.codes[k as usize].as_str(),
        Location::Point { .. } => "point",
    };
    assert_eq!((0..6).map(code).collect::<Vec<_>>(), ["GM0363", "GM0014", "GM0014", "GM0363", "GM0518", "GM0014"]);
    assert_eq!(av.records.technologies, vec!["glas", "dsl", "coax", "vdsl"]);
    assert_eq!(av.records.row, vec![1, 3, 6, 7, 8, 9, 11, 12, 14, 15]);
    assert_eq!(av.records.address, vec![0, 1, 0, 2, 1, 3, 4, 3, 1, 5]);
    assert_eq!(av.records.technology, [0, 1, 1, 2, 0, 2, 3, 3, 0, 0].map(Index::new));
    assert_eq!(av.records.down_mbps, vec![100.0, 50.0, 30.0, 20.0, 1000.0, 200.0, 5.0, 5.0, 1.0, 0.0]);
    assert_eq!(av.location_conflicts, 1);
    let rejected: Vec<(u64, RejectReason)> = av.rejects.iter().map(|r| (r.row, r.reason)).collect();
    assert_eq!(
        rejected,
        [
            (2, RejectReason::MissingAddressId),
            (4, RejectReason::NegativeSpeed),
            (5, RejectReason::BadAreaCode),
            (10, RejectReason::InvalidSpeed),
            (13, RejectReason::NoLocation)
        ]
    );
    assert_eq!((av.record_rows.rows_in, av.record_rows.used), (15, 10));
    assert!(av.record_rows.reconciles());
}

/// The rows of the test above as Parquet in row groups of three, read in batches of two
/// groups: everything equals the CSV read as one batch (rows, dictionaries, rejects).
#[test]
fn parquet_batches_equal_one_csv_batch() {
    use polars::prelude::*;
    let rows = [
        ("a", "GM0363", "100", "glas"),
        ("", "GM0363", "100", "glas"),
        ("c", "GM0014", "50", "dsl"),
        ("d", "GM0363", "-5", "dsl"),
        ("e", "GM9999X", "10", "dsl"),
        ("a", "GM0363", "30", "dsl"),
        ("f", "14", "20", "coax"),
        ("c", "GM0363", "1000", "glas"),
        ("d", "0363", "200", "coax"),
        ("g", "GM0518", "abc", "glas"),
        ("h", "GM0518", "5", "vdsl"),
        ("d", "GM0363", "5", "vdsl"),
        ("i", "", "5", "vdsl"),
        ("c", "GM0014", "1", "glas"),
        ("j", "GM0014", "0", "glas"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("r.csv");
    let lines: Vec<String> = rows.iter().map(|(a, b, c, d)| format!("{a};{b};{c};{d}")).collect();
    std::fs::write(&csv, format!("adres_id;gemeentecode;download_mbps;technologie\n{}\n", lines.join("\n"))).unwrap();
    let column = |name: &str, k: usize| {
        let cells: Vec<Option<&str>> =
            rows.iter().map(|r| [r.0, r.1, r.2, r.3][k]).map(|c| (!c.is_empty()).then_some(c)).collect();
        Column::new(name.into(), cells)
    };
    let mut df = DataFrame::new_infer_height(vec![
        column("adres_id", 0),
        column("gemeentecode", 1),
        column("download_mbps", 2),
        column("technologie", 3),
    ])
    .unwrap();
    let parquet = dir.path().join("r.parquet");
    ParquetWriter::new(std::fs::File::create(&parquet).unwrap()).with_row_group_size(Some(3)).finish(&mut df).unwrap();
    let table = Table::open(&parquet, None).unwrap();
    assert_eq!(table.batches(BATCH_ROWS), Some(vec![0..6, 6..12, 12..15]));
    let load_from = |records: &Path, universe: Option<PathBuf>| {
        let spec = InputSpec { universe, ..nl(vec![records.into()]) };
        load(&spec, Needs::ALL, &mut Silent).unwrap()
    };
    let records = |av: &Availability| {
        let r = &av.records;
        (r.address.clone(), r.row.clone(), r.down_mbps.clone(), r.technology.clone(), r.technologies.clone())
    };
    let rejects =
        |av: &Availability| av.rejects.iter().map(|r| (r.row, r.reason, r.detail.clone())).collect::<Vec<_>>();
    let (one, batched) = (load_from(&csv, None), load_from(&parquet, None));
    assert_eq!(batched.addresses.first_row, vec![1, 3, 7, 9, 11, 15]);
    assert_eq!(
        (&batched.addresses.first_row, &batched.addresses.location),
        (&one.addresses.first_row, &one.addresses.location)
    );
    assert_eq!(batched.codes.codes, one.codes.codes);
    assert_eq!(records(&batched), records(&one));
    assert_eq!(rejects(&batched), rejects(&one));
    assert_eq!((batched.record_rows.rows_in, batched.record_rows.used, batched.location_conflicts), (15, 10, 1));

    // With a universe that lacks c and h: each batch is joined to it on its own.
    let universe = dir.path().join("u.csv");
    std::fs::write(
        &universe,
        "adres_id;gemeentecode\nj;GM0014\na;GM0363\nd;GM0363\nf;GM0014\ni;GM0518\ng;GM0518\ne;GM0014\n",
    )
    .unwrap();
    let (one, batched) = (load_from(&csv, Some(universe.clone())), load_from(&parquet, Some(universe)));
    assert_eq!(records(&batched), records(&one));
    assert_eq!(batched.records.address, vec![1, 6, 1, 3, 2, 2, 4, 0]);
    assert_eq!(rejects(&batched), rejects(&one));
    let not_in: Vec<u64> =
        batched.rejects.iter().filter(|r| r.reason == RejectReason::NotInUniverse).map(|r| r.row).collect();
    assert_eq!(not_in, [3, 8, 11, 14], "c and h, in three batches");
    assert!(batched.record_rows.reconciles());
}

/// The records loaded from `csv` (text, checked row by row) and from `df` written as Parquet
/// in row groups of four (typed, one check piece each): (text, typed).
fn loaded_as_text_and_typed(csv: &str, mut df: polars::prelude::DataFrame) -> (Availability, Availability) {
    let dir = tempfile::tempdir().unwrap();
    let (text, parquet) = (dir.path().join("r.csv"), dir.path().join("r.parquet"));
    std::fs::write(&text, csv).unwrap();
    polars::prelude::ParquetWriter::new(std::fs::File::create(&parquet).unwrap())
        .with_row_group_size(Some(4))
        .finish(&mut df)
        .unwrap();
    let load_from = |records: &Path| {
        let spec = nl(vec![records.into()]);
        load(&spec, Needs::ALL, &mut Silent).unwrap()
    };
    (load_from(&text), load_from(&parquet))
}

/// Each rejected row's number, reason and detail.
fn rejects_of(av: &Availability) -> Vec<(u64, RejectReason, String)> {
    av.rejects.iter().map(|r| (r.row, r.reason, r.detail.clone())).collect()
}

#[test]
fn typed_speeds_copied_whole_equal_their_text() {
    use polars::prelude::*;
    // Pieces of four rows (CHECK_CHUNK in tests): the first and third all plausible (copied
    // whole), the others each with a value the row-by-row check rejects.
    let down = [Some(100.0), Some(0.0), Some(-0.0), Some(1e5), Some(50.0), None, Some(f64::NAN), Some(8.0)];
    let down: Vec<Option<f64>> = down
        .into_iter()
        .chain([Some(30.0), Some(1.5), Some(2.0), Some(3.0)])
        .chain([Some(-1.0), Some(1e6), Some(f64::INFINITY), Some(4.0)])
        .collect();
    let up: Vec<Option<f64>> = (0..down.len()).map(|i| Some(if i == 9 { 0.25 } else { 10.0 })).collect();
    let ids: Vec<String> = (0..down.len()).map(|i| format!("a{i:02}")).collect();
    let cell = |v: &Option<f64>| v.map_or(String::new(), |v| v.to_string());
    let lines: Vec<String> =
        (0..down.len()).map(|i| format!("{};GM0363;{};{}", ids[i], cell(&down[i]), cell(&up[i]))).collect();
    let df = DataFrame::new_infer_height(vec![
        Column::new("adres_id".into(), ids),
        Column::new("gemeentecode".into(), vec!["GM0363"; down.len()]),
        Column::new("download_mbps".into(), down),
        Column::new("upload_mbps".into(), up),
    ])
    .unwrap();
    let (text, typed) = loaded_as_text_and_typed(
        &format!("adres_id;gemeentecode;download_mbps;upload_mbps\n{}\n", lines.join("\n")),
        df,
    );
    let seen = |av: &Availability| {
        (av.records.row.clone(), av.records.down_mbps.clone(), av.records.up_mbps.clone(), rejects_of(av))
    };
    assert_eq!(seen(&typed), seen(&text));
    assert_eq!(typed.records.row, [1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 16]);
    assert_eq!(typed.records.up_mbps[7], 0.25);
}

#[test]
fn typed_coordinates_copied_whole_equal_their_text() {
    use polars::prelude::*;
    // Pieces of four rows: the first and last all finite (copied whole), the others each
    // with a coordinate the row-by-row check rejects (empty, NaN, infinite).
    let x = [
        Some(155000.0),
        Some(-1.5),
        Some(0.0),
        Some(3e5),
        Some(1.0),
        None,
        Some(2.0),
        Some(3.0),
        Some(4.0),
        Some(5.0),
        Some(f64::INFINITY),
        Some(6.0),
        Some(7.0),
        Some(8.0),
        Some(9.0),
        Some(10.0),
    ];
    let y: Vec<Option<f64>> = (0..x.len()).map(|i| Some(if i == 9 { f64::NAN } else { 463000.0 + i as f64 })).collect();
    let ids: Vec<String> = (0..x.len()).map(|i| format!("a{i:02}")).collect();
    let cell = |v: &Option<f64>| v.map_or(String::new(), |v| v.to_string());
    let lines: Vec<String> = (0..x.len()).map(|i| format!("{};{};{};100", ids[i], cell(&x[i]), cell(&y[i]))).collect();
    let df = DataFrame::new_infer_height(vec![
        Column::new("adres_id".into(), ids),
        Column::new("x".into(), x.to_vec()),
        Column::new("y".into(), y),
        Column::new("download_mbps".into(), vec![100.0; x.len()]),
    ])
    .unwrap();
    let (text, typed) = loaded_as_text_and_typed(&format!("adres_id;x;y;download_mbps\n{}\n", lines.join("\n")), df);
    let seen = |av: &Availability| (av.records.row.clone(), av.addresses.location.clone(), rejects_of(av));
    assert_eq!(seen(&typed), seen(&text));
    assert_eq!(typed.records.row, [1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 14, 15, 16]);
    assert_eq!(typed.addresses.location.get(1), Location::Point { x: -1.5, y: 463001.0 });
}

/// Coordinates only, with rejected rows in a piece that interns no area code: the rejected
/// rows' placeholders are not looked up in the (empty) code table.
#[test]
fn rejected_rows_beside_coordinates_are_rejects() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.csv");
    std::fs::write(
        &path,
        "adres_id;x;y;download_mbps\n1;121000;487000;100\n2;122000;487500;abc\n;1;2;3\n3;4,9;52,3;50\n",
    )
    .unwrap();
    let spec = nl(vec![path]);
    let av = load(&spec, Needs::ALL, &mut Silent).unwrap();
    assert_eq!(av.addresses.first_row, vec![1, 4]);
    assert_eq!(av.addresses.location.get(1), Location::Point { x: 4.9, y: 52.3 });
    let rejected: Vec<(u64, RejectReason)> = av.rejects.iter().map(|r| (r.row, r.reason)).collect();
    assert_eq!(rejected, [(2, RejectReason::InvalidSpeed), (3, RejectReason::MissingAddressId)]);
    assert!(av.record_rows.reconciles());
}

/// Rows without a value in any column used are blank rows, in the records and in a universe
/// (blank lines in the middle and at the end, a line of delimiters); a row with a value but no
/// id is still a missing id. Blank rows keep their place in the row numbers.
#[test]
fn rows_without_any_value_are_blank_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.csv");
    std::fs::write(&path, "adres_id;x;y;download_mbps\n1;121000;487000;100\n\n;;;\n;;;50\n2;122000;487500;30\n\n")
        .unwrap();
    let spec = nl(vec![path]);
    let av = load(&spec, Needs::ALL, &mut Silent).unwrap();
    let rejected: Vec<(u64, RejectReason)> = av.rejects.iter().map(|r| (r.row, r.reason)).collect();
    assert_eq!(
        rejected,
        [
            (2, RejectReason::BlankRow),
            (3, RejectReason::BlankRow),
            (4, RejectReason::MissingAddressId),
            (6, RejectReason::BlankRow)
        ]
    );
    assert_eq!(av.addresses.first_row, vec![1, 5]);
    assert!(av.record_rows.reconciles());

    let (universe, records) = (dir.path().join("u.csv"), dir.path().join("r.csv"));
    std::fs::write(&universe, "adres_id;gemeentecode\na;GM0363\n\nb;GM0014\n").unwrap();
    std::fs::write(&records, "adres_id;download_mbps\na;100\n;\nb;50\n").unwrap();
    let spec = InputSpec { universe: Some(universe), ..nl(vec![records]) };
    let av = load(&spec, Needs::ALL, &mut Silent).unwrap();
    let rejected: Vec<(bool, u64, RejectReason)> =
        av.rejects.iter().map(|r| (r.file.ends_with("u.csv"), r.row, r.reason)).collect();
    assert_eq!(rejected, [(true, 2, RejectReason::BlankRow), (false, 2, RejectReason::BlankRow)]);
}

/// A universe with missing ids, a first row that cannot be located (the id's next row makes
/// the address), duplicates, and a code seen only in duplicate rows (it does not enter the
/// code table: only rows that make an address add codes).
#[test]
fn universe_rows_make_addresses_in_row_order() {
    let rows = ["a;GM0200", ";GM0014", "b;GM9999X", "b;GM0014", "a;GM0363", "c;", "d;0518", "b;GM0363", "e;14"];
    let dir = tempfile::tempdir().unwrap();
    let universe = dir.path().join("u.csv");
    std::fs::write(&universe, format!("adres_id;gemeentecode\n{}\n", rows.join("\n"))).unwrap();
    let records = dir.path().join("r.csv");
    std::fs::write(&records, "adres_id;download_mbps\na;100\nd;50\nx;5\n").unwrap();
    let spec = InputSpec { universe: Some(universe), ..nl(vec![records]) };
    let av = load(&spec, Needs::ALL, &mut Silent).unwrap();
    assert_eq!(av.addresses.first_row, vec![1, 4, 7, 9]);
    assert_eq!(av.codes.codes, vec!["GM0200", "GM0014", "GM0518"], "GM0363 is only in duplicate rows");
    let code = |a: usize| match av.addresses.location.get(a) {
        Location::Area(k) => av.codes.codes[k as usize].as_str(),
        Location::Point { .. } => "point",
    };
    assert_eq!((0..4).map(code).collect::<Vec<_>>(), ["GM0200", "GM0014", "GM0518", "GM0014"]);
    let rejected: Vec<(u64, RejectReason, &str)> =
        av.rejects.iter().map(|r| (r.row, r.reason, r.detail.as_str())).collect();
    assert_eq!(
        rejected[..5],
        [
            (2, RejectReason::MissingAddressId, "address_id is empty"),
            (3, RejectReason::BadAreaCode, "area_code = \"GM9999X\""),
            (5, RejectReason::DuplicateInUniverse, "address_id \"a\" first at row 1"),
            (6, RejectReason::NoLocation, "area_code is empty and there are no coordinates"),
            (8, RejectReason::DuplicateInUniverse, "address_id \"b\" first at row 4"),
        ]
    );
    let u = av.universe_rows.unwrap();
    assert_eq!((u.rows_in, u.used), (9, 4));
    assert_eq!(av.records.address, vec![0, 2]);
    assert_eq!((av.record_rows.rows_in, av.record_rows.used), (3, 2));
}

/// A universe read in batches (Parquet, row groups of three) and in one (CSV) gives the
/// same addresses, codes and rejects, worked out by hand: a duplicate is judged against the
/// accepted rows before anything else, and a code seen only in duplicates is not kept.
#[test]
fn universe_in_batches_equals_one_batch() {
    use polars::prelude::*;
    let rows = [
        ("a", "GM0363"),  // 1: address 0
        ("b", "GM9999X"), // 2: bad code
        ("", "GM0014"),   // 3: no id
        ("b", "GM0014"),  // 4: address 1 (the first b was rejected)
        ("a", "GM0014"),  // 5: duplicate of row 1
        ("a", "GM9999X"), // 6: duplicate of row 1, whatever its code
        ("d", "GM0518"),  // 7: address 2 (second batch)
        ("e", ""),        // 8: no location
        ("b", "GM0363"),  // 9: duplicate of row 4
        ("f", "0014"),    // 10: address 3, GM0014
        ("d", "GM0200"),  // 11: duplicate of row 7; GM0200 appears nowhere else
    ];
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("u.csv");
    let lines: Vec<String> = rows.iter().map(|(a, b)| format!("{a};{b}")).collect();
    std::fs::write(&csv, format!("adres_id;gemeentecode\n{}\n", lines.join("\n"))).unwrap();
    let cells = |k: usize| -> Vec<Option<&str>> {
        rows.iter().map(|r| [r.0, r.1][k]).map(|c| (!c.is_empty()).then_some(c)).collect()
    };
    let mut df = DataFrame::new_infer_height(vec![
        Column::new("adres_id".into(), cells(0)),
        Column::new("gemeentecode".into(), cells(1)),
    ])
    .unwrap();
    let parquet = dir.path().join("u.parquet");
    ParquetWriter::new(std::fs::File::create(&parquet).unwrap()).with_row_group_size(Some(3)).finish(&mut df).unwrap();
    assert_eq!(Table::open(&parquet, None).unwrap().batches(BATCH_ROWS), Some(vec![0..6, 6..11]));
    let records = dir.path().join("r.csv");
    std::fs::write(&records, "adres_id;download_mbps\nf;5\nb;50\nz;5\na;100\n").unwrap();
    let load_with = |universe: &Path| {
        let spec = InputSpec { universe: Some(universe.into()), ..nl(vec![records.clone()]) };
        load(&spec, Needs::ALL, &mut Silent).unwrap()
    };
    for av in [load_with(&csv), load_with(&parquet)] {
        assert_eq!(av.addresses.first_row, vec![1, 4, 7, 10]);
        assert_eq!(av.codes.codes, vec!["GM0363", "GM0014", "GM0518"]);
        assert_eq!(
            av.addresses.location.iter().collect::<Vec<_>>(),
            vec![Location::Area(0), Location::Area(1), Location::Area(2), Location::Area(1)]
        );
        let rejected: Vec<(u64, RejectReason, &str)> = av
            .rejects
            .iter()
            .filter(|r| !r.file.ends_with("r.csv"))
            .map(|r| (r.row, r.reason, r.detail.as_str()))
            .collect();
        assert_eq!(
            rejected,
            [
                (2, RejectReason::BadAreaCode, "area_code = \"GM9999X\""),
                (3, RejectReason::MissingAddressId, "address_id is empty"),
                (5, RejectReason::DuplicateInUniverse, "address_id \"a\" first at row 1"),
                (6, RejectReason::DuplicateInUniverse, "address_id \"a\" first at row 1"),
                (8, RejectReason::NoLocation, "area_code is empty and there are no coordinates"),
                (9, RejectReason::DuplicateInUniverse, "address_id \"b\" first at row 4"),
                (11, RejectReason::DuplicateInUniverse, "address_id \"d\" first at row 7"),
            ]
        );
        let u = av.universe_rows.as_ref().unwrap();
        assert_eq!((u.rows_in, u.used), (11, 4));
        assert!(u.reconciles());
        assert_eq!(av.records.address, vec![3, 1, 0], "z is not in the universe");
    }
}

/// With area codes in a Parquet file, coordinates are read only for the batches with a row
/// without a code; the result equals the CSV reading, which reads them with every row.
#[test]
fn lazy_coordinates_serve_the_rows_without_a_code() {
    use polars::prelude::*;
    type Xy = (Option<f64>, Option<f64>);
    let p = |x: f64, y: f64| (Some(x), Some(y));
    let rows: [(&'static str, &'static str, Xy); 12] = [
        ("a", "GM0363", p(121000.0, 487000.0)),
        ("b", "GM0014", p(1.0, 2.0)),
        ("c", "GM0014", (None, None)),
        ("d", "GM0518", p(3.0, 4.0)),
        ("e", "GM0363", (None, None)),
        ("f", "GM0014", p(5.0, 6.0)), // first batch: every row has a code
        ("g", "GM0518", p(7.0, 8.0)),
        ("h", "", p(150000.5, 450000.25)), // 8: a point
        ("i", "GM0363", (None, None)),
        ("j", "", (None, None)),      // 10: no location
        ("k", "", (Some(9.0), None)), // 11: half a coordinate
        ("a", "", p(10.0, 11.0)),     // 12: a's second record (its location differs)
    ];
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("r.csv");
    let num = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
    let lines: Vec<String> =
        rows.iter().map(|(id, code, (x, y))| format!("{id};{code};{};{};100", num(*x), num(*y))).collect();
    std::fs::write(&csv, format!("adres_id;gemeentecode;x;y;download_mbps\n{}\n", lines.join("\n"))).unwrap();
    let text = |cells: Vec<&'static str>| -> Vec<Option<&str>> {
        cells.into_iter().map(|c| (!c.is_empty()).then_some(c)).collect()
    };
    let mut df = DataFrame::new_infer_height(vec![
        Column::new("adres_id".into(), text(rows.iter().map(|r| r.0).collect())),
        Column::new("gemeentecode".into(), text(rows.iter().map(|r| r.1).collect())),
        Column::new("x".into(), rows.iter().map(|r| r.2 .0).collect::<Vec<_>>()),
        Column::new("y".into(), rows.iter().map(|r| r.2 .1).collect::<Vec<_>>()),
        Column::new("download_mbps".into(), vec![100.0; rows.len()]),
    ])
    .unwrap();
    let parquet = dir.path().join("r.parquet");
    ParquetWriter::new(std::fs::File::create(&parquet).unwrap()).with_row_group_size(Some(3)).finish(&mut df).unwrap();
    let profile = Profile::built_in("nl").unwrap();
    let layout = |path: &Path| Layout::resolve(&Table::open(path, None).unwrap(), &profile, &[], true, false).unwrap();
    assert!(layout(&parquet).lazy_xy && layout(&parquet).asked().len() == 2, "id and code with every batch");
    assert!(!layout(&csv).lazy_xy && layout(&csv).asked().len() == 4);
    let load_from = |records: &Path| {
        load(&InputSpec { profile: profile.clone(), ..nl(vec![records.into()]) }, Needs::ALL, &mut Silent).unwrap()
    };
    for av in [load_from(&csv), load_from(&parquet)] {
        let point = Location::Point { x: 150000.5, y: 450000.25 };
        let (gm0363, gm0014, gm0518) = (Location::Area(0), Location::Area(1), Location::Area(2));
        assert_eq!(
            av.addresses.location.iter().collect::<Vec<_>>(),
            vec![gm0363, gm0014, gm0014, gm0518, gm0363, gm0014, gm0518, point, gm0363]
        );
        let rejected: Vec<(u64, RejectReason)> = av.rejects.iter().map(|r| (r.row, r.reason)).collect();
        assert_eq!(rejected, [(10, RejectReason::NoLocation), (11, RejectReason::InvalidCoordinate)]);
        assert_eq!(av.location_conflicts, 1, "a at a code and at a point");
    }
}

#[test]
fn technologies_and_upload_speeds_are_kept_only_when_needed() {
    let dir = tempfile::tempdir().unwrap();
    let records = dir.path().join("r.csv");
    std::fs::write(&records, "adres_id;gemeentecode;download_mbps;upload_mbps;technologie\na;GM0363;100;10;glas\nb;GM0014;-1;1;coax\nc;GM0014;50;-2;\nd;GM0014;50;5;\n").unwrap();
    let spec = nl(vec![records]);
    let all = load(&spec, Needs::ALL, &mut Silent).unwrap();
    let least = load(&spec, Needs { technology: false, upload: false }, &mut Silent).unwrap();
    assert_eq!(
        (all.records.technology.as_slice(), all.records.has_technology),
        ([Index::new(0), Index::NONE].as_slice(), true)
    );
    assert_eq!(all.records.up_mbps, [10.0, 5.0]);
    assert_eq!(
        (least.records.technology.len(), least.records.has_technology, least.records.up_mbps.len()),
        (0, false, 0)
    );
    // The same rows used and rejected (a negative upload speed rejects its row either way).
    let seen = |av: &Availability| {
        let rejects: Vec<_> = av.rejects.iter().map(|r| (r.row, r.reason)).collect();
        (
            av.records.row.clone(),
            av.records.down_mbps.clone(),
            av.addresses.first_row.clone(),
            rejects,
            av.record_rows.used,
        )
    };
    assert_eq!(seen(&all), seen(&least));
    assert_eq!(
        all.rejects.iter().map(|r| r.reason).collect::<Vec<_>>(),
        [RejectReason::NegativeSpeed, RejectReason::NegativeSpeed]
    );
    let columns = |av: &Availability| av.sources[0].columns.iter().map(|c| c.0.clone()).collect::<Vec<_>>();
    assert!(columns(&all).contains(&"technology".to_string()));
    assert!(!columns(&least).contains(&"technology".to_string()));
}

#[test]
fn weights_are_kept_only_when_weighted() {
    let dir = tempfile::tempdir().unwrap();
    let records = dir.path().join("r.csv");
    std::fs::write(&records, "adres_id;gemeentecode;huishoudens;download_mbps\na;GM0363;2;100\nb;GM0014;0.5;50\n")
        .unwrap();
    let spec = |use_weights| InputSpec { use_weights, ..nl(vec![records.clone()]) };
    let weighted = load(&spec(true), Needs::ALL, &mut Silent).unwrap();
    assert!(weighted.weighted);
    assert_eq!(weighted.addresses.weight, vec![2.0, 0.5]);
    let counted = load(&spec(false), Needs::ALL, &mut Silent).unwrap();
    assert!(!counted.weighted);
    assert!(counted.addresses.weight.is_empty());
    assert_eq!(counted.addresses.len(), 2);
}

/// The `nl` profile over `records`, unweighted, with no universe, filter or condition.
fn nl(records: Vec<PathBuf>) -> InputSpec {
    InputSpec {
        records,
        universe: None,
        profile: Profile::built_in("nl").unwrap(),
        delimiter: None,
        use_weights: false,
        filters: Vec::new(),
        condition: None,
        partition: None,
        frames: Default::default(),
        spilled: None,
    }
}

/// Three files read as one (the middle one header only, the last a Parquet with its columns
/// in another order): the addresses and records are those of the files joined, rows
/// numbered across them; rejects name their own file and row; each file's rows reconcile.
#[test]
fn several_files_read_as_one() {
    use polars::prelude::{Column, DataFrame, ParquetWriter};
    let dir = tempfile::tempdir().unwrap();
    let csv = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let head = "adres_id;download_mbps;gemeentecode\n";
    let a = csv("a.csv", &format!("{head}a;100;GM0363\nb;-5;GM0363\nc;30;GM0014\n"));
    let empty = csv("empty.csv", head);
    let c = dir.path().join("c.parquet");
    let text = |v: [Option<&'static str>; 3]| v.to_vec();
    let mut df = DataFrame::new_infer_height(vec![
        Column::new("gemeentecode".into(), text([Some("GM0363"), Some("GM0014"), Some("GM0014")])),
        Column::new("adres_id".into(), text([Some("a"), None, Some("d")])),
        Column::new("download_mbps".into(), [50.0, 7.0, 20.0].to_vec()),
    ])
    .unwrap();
    ParquetWriter::new(std::fs::File::create(&c).unwrap()).finish(&mut df).unwrap();
    let all =
        csv("all.csv", &format!("{head}a;100;GM0363\nb;-5;GM0363\nc;30;GM0014\na;50;GM0363\n;7;GM0014\nd;20;GM0014\n"));

    let parts = load(&nl(vec![a.clone(), empty.clone(), c.clone()]), Needs::ALL, &mut Silent).unwrap();
    let whole = load(&nl(vec![all]), Needs::ALL, &mut Silent).unwrap();
    assert_eq!(parts.addresses.first_row, whole.addresses.first_row);
    assert_eq!((parts.records.address.clone(), parts.records.row.clone()), (whole.records.address, whole.records.row));
    assert_eq!(parts.records.down_mbps, whole.records.down_mbps);
    let rejected: Vec<(String, u64)> = parts.rejects.iter().map(|r| (r.file.clone(), r.row)).collect();
    let name = |p: &Path| p.display().to_string();
    assert_eq!(rejected, [(name(&a), 2), (name(&c), 2)]);
    let counts = parts.record_parts.counts(&parts.record_rows, &parts.rejects);
    let per_file: Vec<(String, u64, u64)> = counts.iter().map(|(f, c)| (f.clone(), c.rows_in, c.used)).collect();
    assert_eq!(per_file, [(name(&a), 3, 2), (name(&empty), 0, 0), (name(&c), 3, 2)]);
    assert_eq!(parts.record_parts.locate(4), (name(&c).as_str(), 1));
    assert_eq!(parts.sources.iter().filter(|s| s.role == "records").count(), 3);
    // A later file without the first one's columns is refused, naming both.
    let other = csv("other.csv", "adres_id;download_mbps;upload_mbps;gemeentecode\nx;1;1;GM0363\n");
    let e = load(&nl(vec![a, other]), Needs::ALL, &mut Silent).unwrap_err().to_string();
    assert!(e.contains("other.csv") && e.contains("a.csv") && e.contains("upload"), "{e}");
}

/// A row filter leaves rows out before any check: a left-out row with a bad speed is counted as
/// left out, not rejected, and makes no address; rows in = used + rejected + left out.
#[test]
fn rows_left_out_by_a_filter_are_counted_not_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.csv");
    let rows = "a;100;GM0363;R\nb;-5;GM0363;B\nc;-5;GM0363;R\nd;30;GM0014;B\ne;30;GM0014; X \n";
    std::fs::write(&path, format!("adres_id;download_mbps;gemeentecode;soort\n{rows}")).unwrap();
    let spec = InputSpec { filters: vec![RowFilter::parse("SOORT=R,X").unwrap()], ..nl(vec![path]) };
    let av = load(&spec, Needs::ALL, &mut Silent).unwrap();
    assert_eq!(av.addresses.first_row, [1u32, 5]);
    let rejected: Vec<u64> = av.rejects.iter().map(|r| r.row).collect();
    assert_eq!(rejected, [3]);
    let c = &av.record_rows;
    assert_eq!((c.rows_in, c.used, c.rejected_total(), c.left_out), (5, 2, 1, 2));
    assert!(c.reconciles());
}

/// Two CSV files `r0.csv` and `r1.csv` in `dir` under the header `head`, each of 40 lines
/// `line(file, i)`.
fn two_csv_files(dir: &Path, head: &str, line: impl Fn(usize, usize) -> String) -> Vec<PathBuf> {
    (0..2)
        .map(|f| {
            let lines: Vec<String> = (0..40).map(|i| line(f, i)).collect();
            let path = dir.join(format!("r{f}.csv"));
            std::fs::write(&path, format!("{head}\n{}\n", lines.join("\n"))).unwrap();
            path
        })
        .collect()
}

/// One partition of a run keeps only its own rows: the row-sized columns hold its records
/// alone, each with its row number in the whole input, and the partitions together hold the
/// whole run's records, addresses and rejects (a bad row in each file and a row filtered out).
#[test]
fn a_partition_holds_its_own_rows_only() {
    let dir = tempfile::tempdir().unwrap();
    let files = two_csv_files(dir.path(), "adres_id;download_mbps;gemeentecode;soort", |f, i| {
        let down = if i == 7 { "-1".to_string() } else { format!("{}", 10 * (i % 5)) };
        format!("id{};{down};GM03{:02};{}", (i * 7 + f) % 30, i % 4, if i == 9 { "B" } else { "R" })
    });
    let spec = InputSpec { filters: vec![RowFilter::parse("soort=R").unwrap()], ..nl(files) };
    let whole = load(&spec, Needs::ALL, &mut Silent).unwrap();
    let n = 4;
    let mut rows: Vec<u32> = Vec::new();
    let (mut addresses, mut rejects) = (0, Vec::new());
    for index in 0..n {
        let one = InputSpec { partition: Some(Partition { index, count: n }), ..spec.clone() };
        let part = load(&one, Needs::ALL, &mut Silent).unwrap();
        let held = part.records.row.len();
        assert_eq!(part.records.down_mbps.len(), held, "columns as long as the partition's records");
        assert!(held < whole.records.row.len(), "partition {index} holds {held} records");
        rows.extend((0..held).map(|i| part.records.row.get(i)));
        addresses += part.addresses.len();
        rejects.extend(part.rejects.iter().map(|r| (r.file.clone(), r.row)));
        let c = &part.record_rows;
        assert!(c.rows_in == 80 && c.reconciles() && c.elsewhere > 0, "{c:?}");
    }
    rows.sort_unstable();
    rejects.sort();
    let all: Vec<u32> = (0..whole.records.row.len()).map(|i| whole.records.row.get(i)).collect();
    let mut expected: Vec<(String, u64)> = whole.rejects.iter().map(|r| (r.file.clone(), r.row)).collect();
    expected.sort();
    assert_eq!((rows, addresses, rejects), (all, whole.addresses.len(), expected));
}

/// A partition read from its spilled rows is the partition read from the files: the same
/// records, row numbers, addresses, rejects (named by their own file and row), row accounting,
/// files and provenance. Two CSV files (bad rows, a filter, a record condition, upload speeds and
/// technologies) with an empty one between them, and a Parquet file whose coordinates are read
/// only for rows without a code.
#[test]
fn spilled_partitions_are_the_partitions_read_from_the_files() {
    use polars::prelude::{Column, DataFrame, ParquetWriter};
    let dir = tempfile::tempdir().unwrap();
    let head = "adres_id;download_mbps;upload_mbps;technologie;gemeentecode;soort;ll;x;y";
    let mut files = two_csv_files(dir.path(), head, |f, i| {
        let down = if i % 6 == 5 { "x".to_string() } else { format!("{}", 10 * (i % 5)) };
        let kind = if i % 11 == 9 { "B" } else { "R" };
        let (id, up, t, ll) = ((i * 7 + f) % 30, i % 3, i % 4, i % 2);
        format!("id{id};{down};{up};T{t};GM03{t:02};{kind};{ll};{};487000", 120_000 + id)
    });
    let pq = dir.path().join("r2.parquet");
    let ids: Vec<String> = (0..20).map(|i| format!("id{}", i * 3 % 25)).collect();
    let codes: Vec<Option<&str>> = (0..20).map(|i| (i % 4 != 0).then_some("GM0014")).collect();
    let mut df = DataFrame::new_infer_height(vec![
        Column::new("adres_id".into(), ids),
        Column::new("download_mbps".into(), (0..20).map(|i| f64::from(i) * 5.0).collect::<Vec<_>>()),
        Column::new("upload_mbps".into(), vec![1.0; 20]),
        Column::new("technologie".into(), vec!["T9"; 20]),
        Column::new("gemeentecode".into(), codes),
        Column::new("x".into(), (0..20).map(|i| 120_000.0 + f64::from(i)).collect::<Vec<_>>()),
        Column::new("y".into(), vec![487_000.0; 20]),
        Column::new("soort".into(), vec!["R"; 20]),
        Column::new("ll".into(), vec!["1"; 20]),
    ])
    .unwrap();
    ParquetWriter::new(std::fs::File::create(&pq).unwrap()).finish(&mut df).unwrap();
    files.push(pq);
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, format!("{head}\n")).unwrap();
    files.insert(1, empty);
    let spec = InputSpec {
        filters: vec![RowFilter::parse("soort=R").unwrap()],
        condition: RowFilter::parse("ll=1"),
        ..nl(files)
    };
    let n = 3;
    let spill = spill::spill(&spec, Needs::ALL, n, dir.path(), &mut Silent).unwrap();
    let mut rejected = 0;
    for index in 0..n {
        let read = load(
            &InputSpec { partition: Some(Partition { index, count: n }), ..spec.clone() },
            Needs::ALL,
            &mut Silent,
        );
        let spilled = load(&spill.input(&spec, index), Needs::ALL, &mut Silent);
        let (read, spilled) = (read.unwrap(), spilled.unwrap());
        assert!(!read.records.row.is_empty(), "partition {index} has rows");
        rejected += read.rejects.len();
        assert_eq!(format!("{spilled:?}"), format!("{read:?}"), "partition {index}");
    }
    assert!(rejected >= 6, "{rejected} rows rejected");
    let folder = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.file_name().to_string_lossy().starts_with(".dekking-spill-"));
    let folder = folder.expect("the spill's folder").path();
    // The CSV files (one empty) in one file per partition, the Parquet file's numbers in another.
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 2 * n as usize);
    drop(spill);
    assert!(!folder.exists(), "the spill's folder is removed with it");
}
