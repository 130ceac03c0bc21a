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
