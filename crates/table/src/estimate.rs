//! The data rows of a table file estimated before it is read: exact from a Parquet footer, else
//! the size of its text (a gzip's or zip's unpacked size as the archive records it) over the
//! mean length of its first data lines. A run planning its memory needs the rows of hundreds of
//! files without unpacking or parsing them.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use crate::error::{Error, ErrorKind, Result};
use crate::table::Table;

/// The bytes of text sampled for the mean line length.
const SAMPLE: u64 = 1 << 16;

/// The data rows of the table file `path`, estimated: exact for Parquet and for a text shorter
/// than the sample, else within a few per cent for a file of lines of even length.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("speeds.csv");
/// std::fs::write(&path, "id,down\nA1,100\nA2,30\n")?;
/// assert_eq!(dekking_table::estimate_rows(&path)?, 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`ErrorKind::Io`] for an unreadable file, [`ErrorKind::Packed`] for a corrupt archive,
/// [`ErrorKind::Parquet`] for an unreadable Parquet footer.
pub fn estimate_rows(path: &Path) -> Result<u64> {
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let size = file.metadata().map_err(|e| Error::io(path, e))?.len();
    let mut magic = [0u8; 4];
    let got = file.read(&mut magic).map_err(|e| Error::io(path, e))?;
    let magic = &magic[..got];
    let (text, sample) = if magic == b"PAR1" {
        return Ok(Table::open(path, None)?.rows_known().unwrap_or(0) as u64);
    } else if magic.starts_with(&[0x1f, 0x8b]) {
        gzip(path, &mut file, size)?
    } else if magic == b"PK\x03\x04" {
        zip(path, file)?
    } else {
        file.seek(SeekFrom::Start(0)).map_err(|e| Error::io(path, e))?;
        (size, sampled(path, file)?)
    };
    Ok(rows_of(text, &sample))
}

/// A gzip file's unpacked size and its first unpacked bytes: the whole text when shorter than
/// the sample, else the size its trailer records (modulo 4 GiB, so taken as at least the packed
/// size; that of the last member of a file of several).
fn gzip(path: &Path, file: &mut File, size: u64) -> Result<(u64, Vec<u8>)> {
    let mut trailer = [0u8; 4];
    file.seek(SeekFrom::End(-4)).and_then(|_| file.read_exact(&mut trailer)).map_err(|e| Error::io(path, e))?;
    file.seek(SeekFrom::Start(0)).map_err(|e| Error::io(path, e))?;
    let sample = sampled(path, flate2::read::MultiGzDecoder::new(file))?;
    if (sample.len() as u64) < SAMPLE {
        return Ok((sample.len() as u64, sample));
    }
    let mut text = u64::from(u32::from_le_bytes(trailer));
    while text < size {
        text += 1 << 32;
    }
    Ok((text, sample))
}

/// A zip file's first table member: its unpacked size and first bytes.
fn zip(path: &Path, file: File) -> Result<(u64, Vec<u8>)> {
    let corrupt = |e: zip::result::ZipError| {
        Error::new(path, ErrorKind::Packed, format!("a corrupt zip file ({e}); download it again"))
    };
    let mut zip = zip::ZipArchive::new(file).map_err(corrupt)?;
    let member = (0..zip.len())
        .find(|&k| zip.name_for_index(k).is_some_and(|n| !n.ends_with('/') && !n.starts_with("__MACOSX/")));
    let Some(k) = member else { return Ok((0, Vec::new())) };
    let member = zip.by_index(k).map_err(corrupt)?;
    let text = member.size();
    Ok((text, sampled(path, member)?))
}

/// The first [`SAMPLE`] bytes of `reader`.
///
/// # Errors
/// [`ErrorKind::Packed`] for a stream that cannot be unpacked (a corrupt or truncated archive).
fn sampled(path: &Path, reader: impl Read) -> Result<Vec<u8>> {
    let mut sample = Vec::new();
    reader
        .take(SAMPLE)
        .read_to_end(&mut sample)
        .map_err(|e| Error::new(path, ErrorKind::Packed, format!("a corrupt packed file ({e}); download it again")))?;
    Ok(sample)
}

/// The data rows of a text of `text` bytes beginning with `sample`: its lines after the header,
/// counted when the sample is the whole text, else the text after the header over the sample's
/// mean data line.
fn rows_of(text: u64, sample: &[u8]) -> u64 {
    let Some(header) = memchr::memchr(b'\n', sample) else { return 0 };
    let body = &sample[header + 1..];
    let lines = memchr::memchr_iter(b'\n', body).count() as u64;
    if sample.len() as u64 >= text {
        return lines + u64::from(!body.is_empty() && !body.ends_with(b"\n"));
    }
    let Some(last) = memchr::memrchr(b'\n', body) else { return text / (body.len() as u64).max(1) };
    let mean = (last as u64 + 1) / lines;
    (text - header as u64 - 1) / mean.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn lines(n: usize) -> String {
        let mut text = String::from("location_id,down,up\n");
        for i in 0..n {
            text.push_str(&format!("{},{},{}\n", 1_000_000 + i, 100 + i % 900, 20));
        }
        text
    }

    #[test]
    fn rows_are_counted_in_short_texts_and_estimated_in_long_ones() {
        assert_eq!(rows_of(0, b""), 0);
        assert_eq!(rows_of(4, b"a,b\n"), 0);
        assert_eq!(rows_of(9, b"a,b\n1,2\n3"), 2, "a last line without its end");
        let long = lines(50_000);
        let estimate = rows_of(long.len() as u64, &long.as_bytes()[..SAMPLE as usize]);
        assert!((49_000..=51_000).contains(&estimate), "{estimate}");
    }

    #[test]
    fn packed_files_are_estimated_from_their_unpacked_size() {
        let dir = tempfile::tempdir().unwrap();
        let text = lines(40_000);
        let plain = dir.path().join("a.csv");
        std::fs::write(&plain, &text).unwrap();
        let gz = dir.path().join("a.csv.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(text.as_bytes()).unwrap();
        std::fs::write(&gz, enc.finish().unwrap()).unwrap();
        let zipped = dir.path().join("a.zip");
        let mut zw = zip::ZipWriter::new(std::fs::File::create(&zipped).unwrap());
        zw.start_file("a.csv", zip::write::SimpleFileOptions::default()).unwrap();
        zw.write_all(text.as_bytes()).unwrap();
        zw.finish().unwrap();
        let estimates: Vec<u64> = [&plain, &gz, &zipped].iter().map(|p| estimate_rows(p).unwrap()).collect();
        assert!(estimates.iter().all(|&e| e == estimates[0] && (39_000..=41_000).contains(&e)), "{estimates:?}");
        // A tiny gzip (larger than its text) is counted; a truncated one is an error, not a guess.
        let tiny = dir.path().join("tiny.csv.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(b"a,b\n1,2\n3,4\n").unwrap();
        let packed = enc.finish().unwrap();
        std::fs::write(&tiny, &packed).unwrap();
        assert_eq!(estimate_rows(&tiny).unwrap(), 2);
        let cut = dir.path().join("cut.csv.gz");
        std::fs::write(&cut, &std::fs::read(&gz).unwrap()[..2000]).unwrap();
        assert_eq!(estimate_rows(&cut).unwrap_err().kind(), &ErrorKind::Packed);
        let missing = estimate_rows(&dir.path().join("none.csv")).unwrap_err();
        assert!(missing.to_string().contains("none.csv"), "{missing}");
    }
}
