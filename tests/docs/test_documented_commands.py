"""Every documented ansible-playbook command runs as written, against the Okta simulator as the user's org.

The commands are the shell blocks (```sh, ```bash, ```shell) holding an ``ansible-playbook`` line in
README.md, every page under docs/ and the roles' READMEs. For each page, one bash process:

1. runs the first block of README.md's "Try it offline" section from the root of the checkout, as written:
   it activates .venv, starts the simulator and exports OKTA_DOMAIN, OKTA_API_TOKEN, OKTA_CA_PATH and
   OKTA_CONNECTION_API_KEY the way a user sets them for their org;
2. moves to a folder of its own (HOME is a temporary folder too, so ``~/.okta/...`` stays in the test's
   folder) and runs the page's blocks in the order of the page, each as written, except their ``export``
   lines that only set variables which step 1 exported (the README tells the user to leave those out: they
   name the user's real org);
3. runs the last block of that section (stopping the simulator).

A failing command fails the test. A block that cannot run offline carries, on the line right above it, the
mark ``Not run offline: <reason>.``; the reason must be one of MARK_REASONS, whose check must hold for the
block. Every command, marked or not, is also checked statically: each ``-e`` value parses into the intended
variables (a value with spaces must be quoted for Ansible too), and no secret is given as a literal.
"""

from __future__ import annotations

import glob
import os
import re
import shlex
import subprocess

import pytest
import yaml
from ansible.parsing.splitter import parse_kv

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
README = os.path.join(ROOT, 'README.md')
OFFLINE_HEADING = '## Try it offline'
FENCE = re.compile(r'^(\s*)```(\w*)\s*$')
SHELL_LANGUAGES = {'sh', 'bash', 'shell'}
MARK = re.compile(r'^Not run offline: (?P<reason>.+?)\.?$')
SECRET_VARIABLE = re.compile(r'(api_key|api_token|secret|password|private_key$|refresh_token)')
RUN_TIMEOUT = 900


class Block:
    """A fenced shell block of a page."""

    def __init__(self, path: str, line: int, text: str, previous: str) -> None:
        self.path = path
        self.line = line
        self.text = text
        self.previous = previous

    @property
    def where(self) -> str:
        return '%s:%d' % (os.path.relpath(self.path, ROOT), self.line)

    def commands(self) -> list[str]:
        """The block's commands, continuation lines joined."""
        joined = re.sub(r'\\\n', ' ', self.text)
        return [line.strip() for line in joined.splitlines() if line.strip() and not line.strip().startswith('#')]

    def playbook_commands(self) -> list[str]:
        return [command for command in self.commands() if command.startswith('ansible-playbook ')]

    def mark(self) -> str | None:
        match = MARK.match(self.previous.strip())
        return match.group('reason') if match else None


def pages() -> list[str]:
    found = [README] + sorted(glob.glob(os.path.join(ROOT, 'docs', '**', '*.md'), recursive=True))
    found += sorted(glob.glob(os.path.join(ROOT, 'roles', '*', 'README.md')))
    return [path for path in found if os.sep + 'build' + os.sep not in os.path.relpath(path, ROOT)]


def shell_blocks(path: str) -> list[Block]:
    """The fenced shell blocks of a page, with the last non-empty line before each."""
    with open(path, encoding='utf-8') as handle:
        lines = handle.read().splitlines()
    blocks, previous, index = [], '', 0
    while index < len(lines):
        match = FENCE.match(lines[index])
        if not match:
            if lines[index].strip():
                previous = lines[index]
            index += 1
            continue
        indent, language, start = match.group(1), match.group(2), index
        index += 1
        body = []
        while index < len(lines) and lines[index].strip() != '```':
            body.append(lines[index][len(indent) :] if lines[index].startswith(indent) else lines[index])
            index += 1
        if language in SHELL_LANGUAGES:
            blocks.append(Block(path, start + 1, '\n'.join(body) + '\n', previous))
        previous = ''
        index += 1
    return blocks


def offline_blocks() -> tuple[Block, Block]:
    """The first (start the simulator) and last (stop it) shell blocks of README's "Try it offline"."""
    with open(README, encoding='utf-8') as handle:
        text = handle.read()
    assert OFFLINE_HEADING in text, 'README.md has no "%s" section' % OFFLINE_HEADING
    start = text[: text.index(OFFLINE_HEADING)].count('\n') + 1
    end_match = re.search(r'^## ', text[text.index(OFFLINE_HEADING) + 3 :], re.MULTILINE)
    end = start + (text[text.index(OFFLINE_HEADING) + 3 :][: end_match.start()].count('\n') if end_match else 10**6)
    section = [block for block in shell_blocks(README) if start < block.line < end]
    assert len(section) >= 2, 'the "Try it offline" section needs a block that starts the simulator and one that stops it'
    return section[0], section[-1]


def exported_names(block: Block) -> set[str]:
    names = set()
    for command in block.commands():
        if command.startswith('export '):
            names.update(re.findall(r'\b([A-Z_][A-Z0-9_]*)=', command))
    return names


def without_org_exports(text: str, names: set[str]) -> str:
    """The block without its export lines that only set variables of the user's org (set by the offline block)."""
    kept = []
    for line in text.splitlines():
        stripped = line.split('#', 1)[0].strip()
        if stripped.startswith('export '):
            assigned = re.findall(r'\b([A-Z_][A-Z0-9_]*)=', stripped)
            if assigned and set(assigned) <= names:
                kept.append('# (left out: %s)' % stripped)
                continue
        kept.append(line)
    return '\n'.join(kept) + '\n'


def command_blocks() -> dict[str, list[Block]]:
    """Page -> its blocks holding an ansible-playbook command, in page order."""
    result = {}
    for path in pages():
        blocks = [block for block in shell_blocks(path) if block.playbook_commands()]
        if blocks:
            result[os.path.relpath(path, ROOT)] = blocks
    return result


def check_awx_controller(block: Block) -> None:
    """The block registers with a controller: it sets CONTROLLER_HOST and runs playbooks of awx.awx modules."""
    assert 'CONTROLLER_HOST' in exported_names(block), '%s: no CONTROLLER_HOST exported' % block.where
    for command in block.playbook_commands():
        playbook = shlex.split(command)[1]
        assert playbook.startswith('identity.okta.'), '%s: %s is not a playbook of the collection' % (block.where, playbook)
        path = os.path.join(ROOT, 'playbooks', *playbook.split('.')[2:]) + '.yml'
        with open(path, encoding='utf-8') as handle:
            assert re.search(r'^\s+awx\.awx\.\w+:', handle.read(), re.MULTILINE), '%s: %s uses no awx.awx module, so it could run offline' % (
                block.where,
                playbook,
            )


def check_workato_workspace(block: Block) -> None:
    """The block needs a Workato workspace: it exports WORKATO_API_TOKEN and every command sets
    okta_workato_connection=true (the same commands without it run offline elsewhere on the page)."""
    assert 'WORKATO_API_TOKEN' in exported_names(block), '%s: no WORKATO_API_TOKEN exported' % block.where
    for command in block.playbook_commands():
        assert 'okta_workato_connection=true' in extra_vars(command), '%s: %r does not set okta_workato_connection=true, so it could run offline' % (
            block.where,
            command,
        )


# The reasons a block may give for not running offline, and how each is checked.
MARK_REASONS = {
    'needs an AWX or Automation Controller': check_awx_controller,
    'needs a Workato workspace': check_workato_workspace,
}


def extra_vars(command: str) -> list[str]:
    words = shlex.split(command, comments=True)
    return [words[index + 1] for index, word in enumerate(words[:-1]) if word in ('-e', '--extra-vars')]


def check_command(block: Block, command: str) -> None:
    """The command's extra variables parse into what they say, and no secret is written in them."""
    for value in extra_vars(command):
        if value.startswith('@'):
            assert re.search(r'cat > %s <<' % re.escape(value[1:]), block.text), '%s: the vars file %s is not written in the same block' % (
                block.where,
                value[1:],
            )
            continue
        parsed = yaml.safe_load(value) if value.startswith(('{', '[')) else parse_kv(value)
        assert '_raw_params' not in parsed, '%s: %r splits into %r: quote the value for Ansible' % (block.where, value, parsed)
        for name, data in parsed.items():
            if SECRET_VARIABLE.search(name):
                assert isinstance(data, str) and data.startswith('{{ lookup('), (
                    '%s: the secret %s is given on the command line: read it from the environment or a vault' % (block.where, name)
                )


def test_documented_commands_found():
    blocks = command_blocks()
    commands = [command for page in blocks.values() for block in page for command in block.playbook_commands()]
    assert len(commands) >= 5, 'found only %d documented ansible-playbook commands: %r' % (len(commands), commands)
    assert 'README.md' in blocks and 'docs/guides/api_key.md' in blocks


@pytest.mark.parametrize('page', sorted(command_blocks()))
def test_documented_commands_parse(page):
    for block in command_blocks()[page]:
        for command in block.playbook_commands():
            check_command(block, command)
        reason = block.mark()
        if reason is not None:
            assert reason in MARK_REASONS, '%s: unknown reason %r (known: %s)' % (block.where, reason, sorted(MARK_REASONS))
            MARK_REASONS[reason](block)


def runnable_pages() -> list[str]:
    """The pages with a block not marked "Not run offline" (marked blocks are checked by test_documented_commands_parse)."""
    return sorted(page for page, blocks in command_blocks().items() if any(block.mark() is None for block in blocks))


@pytest.mark.parametrize('page', runnable_pages())
def test_documented_commands_run(page, tmp_path):
    blocks = [block for block in command_blocks()[page] if block.mark() is None]
    start, stop = offline_blocks()
    # the connection variables the block exports (some through eval): every OKTA_ name it mentions but its own
    org_names = set(re.findall(r'\b(OKTA_[A-Z0-9_]+)\b', start.text)) - {'OKTA_SIM_DIR', 'OKTA_SIM_PID'}
    assert {'OKTA_DOMAIN', 'OKTA_API_TOKEN', 'OKTA_CA_PATH'} <= org_names
    work, home = tmp_path / 'work', tmp_path / 'home'
    work.mkdir()
    home.mkdir()
    parts = [
        'set -eo pipefail',
        'cd %s' % shlex.quote(ROOT),
        start.text,
        'trap \'kill "$OKTA_SIM_PID" 2>/dev/null || true\' EXIT',
        'cd %s' % shlex.quote(str(work)),
    ]
    for block in blocks:
        parts.append('echo "=== %s"' % block.where)
        parts.append(without_org_exports(block.text, org_names))
    parts += ['cd %s' % shlex.quote(ROOT), stop.text, 'trap - EXIT', 'echo "=== all commands passed"']
    script = tmp_path / 'commands.sh'
    script.write_text('\n'.join(parts), encoding='utf-8')
    env = {
        name: value for name, value in os.environ.items() if not name.startswith(('OKTA_', 'ANSIBLE_', 'VIRTUAL_ENV')) or name == 'OKTA_SIM_EXCHANGE_LOG_DIR'
    }
    env.update(HOME=str(home), LC_ALL='C.UTF-8')
    result = subprocess.run(
        ['bash', str(script)],
        cwd=str(work),
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0 and '=== all commands passed' in result.stdout, 'the commands of %s failed (exit %d):\n%s' % (
        page,
        result.returncode,
        result.stdout[-12000:],
    )
