//! Tables shipped compressed, as the FCC ships its availability files: gzip (`.csv.gz`) and zip
//! (one table inside) are recognised by their first bytes and unpacked into memory — never to
//! disk — before the table inside is read as any other.

use std::io::{Cursor, Read};
use std::path::Path;

use crate::error::{quoted, Error, ErrorKind, Result};

/// The gzip magic number.
const GZIP: [u8; 2] = [0x1f, 0x8b];
/// A zip file's first local header, or the end record of an empty zip.
const ZIP: [[u8; 4]; 2] = [*b"PK\x03\x04", *b"PK\x05\x06"];

/// The table inside `raw` and how it was packed (`gzip`, or `zip, member NAME`), when `raw` is
/// gzip or zip; `None` for anything else.
///
/// # Errors
/// [`ErrorKind::Packed`] for a corrupt archive, and for a zip holding no file or several.
pub(crate) fn unpack(path: &Path, raw: &[u8]) -> Result<Option<(Vec<u8>, String)>> {
    let corrupt = |what: &str, e: &dyn std::fmt::Display| {
        Error::new(path, ErrorKind::Packed, format!("a corrupt {what} file ({e}); download it again"))
    };
    if raw.starts_with(&GZIP) {
        let mut out = Vec::with_capacity(raw.len().saturating_mul(4));
        flate2::read::MultiGzDecoder::new(raw).read_to_end(&mut out).map_err(|e| corrupt("gzip", &e))?;
        return Ok(Some((out, "gzip".into())));
    }
    if !ZIP.iter().any(|m| raw.starts_with(m)) {
        return Ok(None);
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(raw)).map_err(|e| corrupt("zip", &e))?;
    let members: Vec<usize> = (0..zip.len())
        .filter(|&k| zip.name_for_index(k).is_some_and(|n| !n.ends_with('/') && !n.starts_with("__MACOSX/")))
        .collect();
    let [k] = members[..] else {
        let names: Vec<String> = members.iter().filter_map(|&k| zip.name_for_index(k)).map(quoted).collect();
        let what = match names.len() {
            0 => "a zip file with no table inside".to_string(),
            _ => format!("a zip file of {} files ({}): give one table per zip", names.len(), names.join(", ")),
        };
        return Err(Error::new(path, ErrorKind::Packed, what));
    };
    let mut member = zip.by_index(k).map_err(|e| corrupt("zip", &e))?;
    let name = member.name().to_string();
    let mut out = Vec::with_capacity(usize::try_from(member.size()).unwrap_or(0));
    member.read_to_end(&mut out).map_err(|e| corrupt("zip", &e))?;
    Ok(Some((out, format!("zip, member {}", quoted(&name)))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const CSV: &[u8] = b"id,down\nA,1\nB,2\n";

    fn gzip(parts: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        for p in parts {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(p).unwrap();
            out.extend(e.finish().unwrap());
        }
        out
    }

    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes) in files {
            w.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn gzip_members_and_zip_members_are_unpacked() {
        let p = Path::new("t");
        assert_eq!(unpack(p, &gzip(&[CSV])).unwrap(), Some((CSV.to_vec(), "gzip".into())));
        // Concatenated gzip members are one stream, as `cat a.gz b.gz` makes.
        assert_eq!(unpack(p, &gzip(&[b"id,down\n", b"A,1\n"])).unwrap().unwrap().0, b"id,down\nA,1\n");
        let z = zip_of(&[("__MACOSX/._bdc.csv", b"x"), ("bdc.csv", CSV)]);
        assert_eq!(unpack(p, &z).unwrap(), Some((CSV.to_vec(), "zip, member \"bdc.csv\"".into())));
        assert_eq!(unpack(p, CSV).unwrap(), None);
    }

    #[test]
    fn zips_of_several_or_no_files_and_corrupt_archives_are_errors() {
        let p = Path::new("t.zip");
        let e = unpack(p, &zip_of(&[("a.csv", CSV), ("b.csv", CSV)])).unwrap_err().to_string();
        assert!(e.contains("a zip file of 2 files (\"a.csv\", \"b.csv\"): give one table per zip"), "{e}");
        assert!(unpack(p, &zip_of(&[])).is_err());
        let mut g = gzip(&[CSV]);
        g.truncate(g.len() / 2);
        let e = unpack(Path::new("t.gz"), &g).unwrap_err().to_string();
        assert!(e.contains("a corrupt gzip file"), "{e}");
    }
}
