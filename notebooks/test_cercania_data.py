"""Tests of cercania_data's run lookup (python3 -m unittest discover -s notebooks; RunSampleIT runs them)."""
import os
import tempfile
import unittest
from pathlib import Path
from unittest import mock

import pandas as pd

import cercania_data as cd


def table(folder, rows):
    folder.mkdir(parents=True)
    pd.DataFrame({"x": list(range(rows))}).to_parquet(folder / "part-0.parquet")


class PublishedDirTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.out = Path(self.tmp.name)
        self.addCleanup(self.tmp.cleanup)

    def env(self, **values):
        return mock.patch.dict(os.environ, values)

    def test_default_is_out_at_the_repository_root(self):
        with mock.patch.dict(os.environ, {}, clear=True):
            self.assertEqual(cd.REPO / "out", cd.out_dir())

    def test_flat_layout_of_todays_publish(self):
        table(self.out / "published" / "estimates", 3)
        with self.env(CERCANIA_OUT=str(self.out)):
            self.assertEqual(self.out / "published", cd.published_dir())
            self.assertEqual(3, len(cd.read("estimates")))
            self.assertFalse(cd.has("ring_effects"))

    def test_current_pointer_selects_the_run_snapshot(self):
        table(self.out / "published" / "estimates", 1)  # an older flat snapshot is ignored
        table(self.out / "published" / "20261201T000000Z" / "estimates", 5)
        (self.out / "published" / "CURRENT").write_text("20261201T000000Z\n", encoding="utf-8")
        with self.env(CERCANIA_OUT=str(self.out)):
            self.assertEqual(self.out / "published" / "20261201T000000Z", cd.published_dir())
            self.assertEqual(5, len(cd.read("estimates")))
            self.assertTrue(cd.parquet_glob("estimates").endswith("20261201T000000Z/estimates/*.parquet"))

    def test_pointer_to_a_missing_run_is_an_error_naming_it(self):
        (self.out / "published").mkdir()
        (self.out / "published" / "CURRENT").write_text("gone", encoding="utf-8")
        with self.env(CERCANIA_OUT=str(self.out)), self.assertRaisesRegex(FileNotFoundError, "names run 'gone'"):
            cd.published_dir()

    def test_no_published_tables_says_how_to_make_them(self):
        with self.env(CERCANIA_OUT=str(self.out)), self.assertRaisesRegex(FileNotFoundError, "bin/cercania run --sample"):
            cd.published_dir()


if __name__ == "__main__":
    unittest.main()
