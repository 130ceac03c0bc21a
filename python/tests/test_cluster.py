"""The national-style job on a Dask cluster of two worker processes, in eight partitions of the
addresses, merged: the same files as one run on one machine, byte for byte."""

import os

import pytest

import dekking
from conftest import RUN_DATE

distributed = pytest.importorskip("dask.distributed", reason="Dask distributed is not installed (pip install 'dask[distributed]')")

OPTIONS = dict(thresholds=["30", "100", "1000/100"], by=["gemeente", "provincie", "nl"], run_date=RUN_DATE)


def test_a_dask_cluster_gives_the_one_machine_tables(synthetic, tmp_path, cli, same_files):
    records, universe = str(synthetic / "records.parquet"), str(synthetic / "universe.parquet")
    cli("fixed", "-i", records, "--universe", universe, "-t", "30", "-t", "100", "-t", "1000/100",
        "--by", "gemeente", "--by", "provincie", "--by", "nl", "--run-date", RUN_DATE, "-o", tmp_path / "one")
    n = 8
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        # Each task reads the shared files and keeps its partition of the addresses.
        tasks = [client.submit(dekking.fixed_partial, records, universe, partition=(k, n), **OPTIONS, pure=False)
                 for k in range(1, n + 1)]
        parts = client.gather(tasks)
        workers = client.run(os.getpid)
    assert len(set(workers.values())) == 2 and os.getpid() not in workers.values()
    dekking.merge(parts, records, universe, **OPTIONS, out=tmp_path / "cluster")
    assert "coverage.csv" in same_files(tmp_path / "one", tmp_path / "cluster")


def test_a_release_split_by_state_over_a_dask_cluster(tmp_path, cli, same_files):
    """A synthetic FCC-layout release (8 states × 7 technology files): one task per state reads
    only its own files (every location is in one state), the merge in state order gives the one
    run over the whole folder, byte for byte."""
    release = tmp_path / "release"
    cli("demo", "fcc", "-o", release, "--locations", "40000", "--states", "8", "--parquet")
    flags = ["--profile", "fcc-bdc", "--by", "county", "--by", "state", "-t", "25/3", "-t", "100/20",
             "--classify", "bead-us", "--run-date", RUN_DATE]
    cli("fixed", "-i", release, *flags, "-o", tmp_path / "one")
    options = dict(profile="fcc-bdc", by=["county", "state"], thresholds=["25/3", "100/20"], classify="bead-us",
                   run_date=RUN_DATE)
    files = sorted(release.iterdir())
    states = sorted({f.name.split("_")[1] for f in files})
    assert len(states) == 8
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        tasks = [client.submit(dekking.fixed_partial, [str(f) for f in files if f.name.split("_")[1] == s],
                               partition=(1, 1), **options, pure=False) for s in states]
        parts = client.gather(tasks)
    dekking.merge(parts, str(release), **options, out=tmp_path / "cluster")
    assert "classes.csv" in same_files(tmp_path / "one", tmp_path / "cluster")
    # Two states' files in one partial and again in another are refused, not counted twice.
    with pytest.raises(dekking.DekkingError, match="read the same file"):
        dekking.merge([parts[0], parts[0]], str(release), **options)
