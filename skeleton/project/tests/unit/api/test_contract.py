"""openapi.json, the API's contract, is what the app serves: a change to the API shows in a
pull request as a change to this file (`make openapi` writes it)."""

import json
import unittest
from pathlib import Path

from flask import Flask
from shallot_runtime.web.openapi import contract

from src.api.openapi import init_api
from tests.support.app import make_fake_app

CONTRACT = Path(__file__).resolve().parents[3] / "openapi.json"


class ContractTest(unittest.TestCase):
    def test_the_committed_contract_is_the_apps(self):
        document = contract(init_api(Flask(__name__)))
        committed = CONTRACT.read_text(encoding="utf-8") if CONTRACT.is_file() else ""
        self.assertTrue(
            committed == document,
            "openapi.json is not the API's contract: run `make openapi` and commit it",
        )

    def test_the_app_serves_the_contract(self):
        served = make_fake_app().test_client().get("/openapi.json").json
        self.assertEqual(served, json.loads(contract(init_api(Flask(__name__)))))
