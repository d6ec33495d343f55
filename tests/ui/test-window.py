#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Drives the Dossier window through the accessibility tree (AT-SPI, with
dogtail), as a user with a keyboard and a screen reader would: create a vault,
open the demo vault, switch sections, lock it.  (GTK 4 takes no typing
through AT-SPI; the steps that type run in test-window-flow.c.)  Each step keeps a screenshot in the output folder.  With --language vi
the same walk checks that the window speaks Vietnamese.

Run it on a display with a private session bus (dbus-run-session): it starts
the accessibility bus there."""
import argparse
import os
import subprocess
import sys
import tempfile
import time

from dogtail.config import config

config.checkForA11y = False
config.searchShowingOnly = False
config.defaultDelay = 0.2
config.actionDelay = 0.2
config.typingDelay = 0.02
config.logDebugToFile = False
config.logDebugToStdOut = False

from dogtail import predicate, tree  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument('--dossier', required=True)
parser.add_argument('--cli', required=True)
parser.add_argument('--out', required=True)
parser.add_argument('--language', default='en')
args = parser.parse_args()

# The words the walk looks for, in each language.
WORDS = {
    'en': {
        'welcome': 'Welcome to Dossier', 'new': 'New passphrase', 'repeat': 'Repeat the passphrase',
        'create': 'Create Vault', 'lock': 'Lock the Vault', 'unlock_page': 'Unlock Your Vault',
        'passphrase': 'Passphrase', 'unlock': 'Unlock', 'wrong': 'Wrong passphrase', 'unlocked': 'Vault unlocked',
        'no_learning': 'No Learning Records Yet', 'learning': 'Learning', 'health': 'Health',
        'verify': 'Verify', 'activity': 'Activity', 'search': 'Search', 'search_records': 'Search records',
        'record_menu': 'Record Menu', 'delete': 'Delete', 'undo': 'Undo', 'authentic': 'Authentic',
        'no_results': 'No Results Found', 'vault_created': 'Vault created',
        'main_menu': 'Main Menu', 'back_up': 'Back Up…', 'backup': 'Back Up',
        'key_choice': 'Protect with a recovery key',
        'services_item': 'National Services…', 'services': 'National Services', 'sync_all': 'Sync All',
        'service_address': 'Service address', 'moet': 'Ministry of Education and Training',
    },
    'vi': {
        'welcome': 'Chào mừng bạn đến với Dossier', 'new': 'Cụm mật khẩu mới', 'repeat': 'Nhập lại cụm mật khẩu',
        'create': 'Tạo kho hồ sơ', 'lock': 'Khóa kho hồ sơ', 'unlock_page': 'Mở khóa kho hồ sơ của bạn',
        'passphrase': 'Cụm mật khẩu', 'unlock': 'Mở khóa', 'wrong': 'Sai cụm mật khẩu', 'unlocked': 'Đã mở khóa kho hồ sơ',
        'no_learning': 'Chưa có hồ sơ học tập', 'learning': 'Học tập', 'health': 'Sức khỏe',
        'verify': 'Kiểm tra', 'activity': 'Hoạt động', 'search': 'Tìm kiếm', 'search_records': 'Tìm hồ sơ',
        'record_menu': 'Trình đơn hồ sơ', 'delete': 'Xóa', 'undo': 'Hoàn tác', 'authentic': 'Xác thực',
        'no_results': 'Không tìm thấy kết quả', 'vault_created': 'Đã tạo kho hồ sơ',
        'main_menu': 'Trình đơn chính', 'back_up': 'Sao lưu…', 'backup': 'Sao lưu',
        'key_choice': 'Bảo vệ bằng khóa khôi phục',
        'services_item': 'Dịch vụ quốc gia…', 'services': 'Dịch vụ quốc gia', 'sync_all': 'Đồng bộ tất cả',
        'service_address': 'Địa chỉ dịch vụ', 'moet': 'Bộ Giáo dục và Đào tạo',
    },
}[args.language]

CONTROL_ROLES = {'push button', 'toggle button', 'text', 'password text', 'check box', 'spin button',
                 'combo box', 'radio button', 'entry'}

passed = failed = 0
shots = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print('ok', what)
    else:
        failed += 1
        print('FAIL', what)
    return ok


def screenshot(name):
    global shots
    shots += 1
    path = os.path.join(args.out, f'window-{args.language}-{shots:02d}-{name}.png')
    subprocess.run(['import', '-window', 'root', path], check=False)


def wait_for(function, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            value = function()
            if value:
                return value
        except Exception:  # the tree changes under our feet while the window works
            pass
        time.sleep(0.25)
    return None


def find(root, name=None, role=None, contains=None, timeout=20):
    """The first node below root with that role and name (or name part)."""
    def search():
        for node in root.findChildren(predicate.GenericPredicate(roleName=role), recursive=True):
            node_name = node.name or ''
            if name is not None and node_name != name and node_name.replace('_', '') != name:
                continue
            if contains is not None and contains.lower() not in node_name.lower():
                continue
            return node
        return None
    return wait_for(search, timeout)


def page(app, title, timeout=30):
    """A page of the window, found by its title: the status page panels and
    the view stack pages carry it as their accessible name."""
    return find(app, name=title, role='panel', timeout=timeout)


def press(node):
    node.doActionNamed('click')


def unnamed_controls(app):
    missing = []
    for node in app.findChildren(lambda n: n.roleName in CONTROL_ROLES, recursive=True):
        name = node.name or ''
        if name == '' or name.startswith('Gtk') or name.startswith('Adw'):
            missing.append(f'{node.roleName} under {node.parent.name!r}')
    return missing


def start(home, *options):
    env = dict(os.environ, XDG_DATA_HOME=os.path.join(home, 'data'), XDG_CONFIG_HOME=os.path.join(home, 'config'),
               XDG_CACHE_HOME=os.path.join(home, 'cache'), XDG_RUNTIME_DIR=os.path.join(home, 'run'),
               LANGUAGE=args.language, GSETTINGS_BACKEND='memory')
    env.pop('G_DEBUG', None)
    os.makedirs(env['XDG_RUNTIME_DIR'], mode=0o700, exist_ok=True)
    process = subprocess.Popen([args.dossier, *options], env=env, stderr=subprocess.PIPE, text=True)
    app = wait_for(lambda: tree.root.application('dossier'), 90)
    if app is None:
        process.kill()
        print(process.stderr.read())
        raise SystemExit('dossier did not show up on the accessibility bus')
    return process, app


def stop(process):
    process.terminate()
    try:
        _, err = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
    check('CRITICAL' not in err and 'WARNING' not in err, 'no warnings printed' + ('' if 'CRITICAL' not in err and 'WARNING' not in err else ':\n' + err))


def walk_welcome(home):
    process, app = start(home, '--vault', os.path.join(home, 'vault'))
    try:
        welcome = page(app, WORDS['welcome'])
        check(welcome is not None, 'the welcome page shows first')
        screenshot('welcome')
        check(not unnamed_controls(welcome), 'every control of the welcome page has a name: %s' % unnamed_controls(welcome))
        check(find(welcome, WORDS['new'], 'password text') is not None and
              find(welcome, WORDS['repeat'], 'password text') is not None, 'the welcome page asks for the passphrase twice')
        check(find(welcome, role='push button', contains=WORDS['create']) is not None, 'the welcome page offers to create the vault')
    finally:
        stop(process)


def row_titles(app, section):
    lists = [n for n in app.findChildren(predicate.GenericPredicate(roleName='list'), recursive=True)
             if n.name and section.lower() in n.name.lower()]
    if not lists:
        return []
    return [label.name for label in lists[0].findChildren(predicate.GenericPredicate(roleName='label'), recursive=True)
            if label.name and label.name != '…']


def walk_demo(home):
    process, app = start(home, '--demo')
    try:
        check(wait_for(lambda: len(row_titles(app, WORDS['learning'])) > 0, 90) is not None,
              'the demo opens on its learning records')
        titles = row_titles(app, WORDS['learning'])
        print('learning rows:', titles[:8])
        screenshot('demo-learning')

        press(find(app, WORDS['health']))
        check(wait_for(lambda: len(row_titles(app, WORDS['health'])) > 0, 20) is not None, 'the Health section lists records')
        screenshot('demo-health')
        press(find(app, WORDS['activity']))
        check(find(app, WORDS['vault_created'], 'label', timeout=10) is not None, 'the Activity section lists what happened')
        screenshot('demo-activity')
        press(find(app, WORDS['learning']))

        check(not unnamed_controls(app), 'every control of the main window has a name: %s' % unnamed_controls(app))

        # The backup window, from the main menu: every control named; locking
        # closes it.  (GTK 4.8 offers no AT-SPI action on check buttons, so
        # window-flow walks its choices.)
        press([n for n in app.findChildren(lambda n: n.name == WORDS['main_menu'] and 'click' in n.actions,
                                           recursive=True)][-1])
        press(find(app, WORDS['back_up'], 'menu item'))
        backup = wait_for(lambda: [n for n in app.findChildren(lambda n: n.roleName == 'frame' and n.name == WORDS['backup'],
                                                              recursive=False)], 20)
        check(backup is not None, 'the main menu opens the backup window')
        if backup:
            check(find(backup[0], role='check box', contains=WORDS['key_choice']) is not None,
                  'the backup window offers a recovery key')
            check(not unnamed_controls(backup[0]), 'every control of the backup window has a name: %s'
                  % unnamed_controls(backup[0]))
        screenshot('backup')

        # The national services window, from the main menu: the demo's two
        # ministries connected, every control named; locking closes it.
        press([n for n in app.findChildren(lambda n: n.name == WORDS['main_menu'] and 'click' in n.actions,
                                           recursive=True)][-1])
        press(find(app, WORDS['services_item'], 'menu item'))
        services = wait_for(lambda: [n for n in app.findChildren(
            lambda n: n.roleName == 'frame' and n.name == WORDS['services'], recursive=False)], 20)
        check(services is not None, 'the main menu opens the national services window')
        if services:
            print('services window buttons:', [n.name for n in services[0].findChildren(
                predicate.GenericPredicate(roleName='push button'), recursive=True)])
            check(find(services[0], role='push button', contains=WORDS['sync_all']) is not None,
                  'the services window offers Sync All')
            check(find(services[0], role='label', contains=WORDS['moet'], timeout=40) is not None,
                  'the demo vault is connected to the demo ministry of education')
            check(find(services[0], role='push button', contains=WORDS['moet']) is not None,
                  "a service's buttons say which service they act on")
            check(not unnamed_controls(services[0]), 'every control of the services window has a name: %s'
                  % unnamed_controls(services[0]))
            screenshot('services')

        # Locking empties the window; the demo's passphrase is shown to unlock it.
        press(find(app, WORDS['lock'], 'push button'))
        check(wait_for(lambda: not row_titles(app, WORDS['learning']), 10) is not None,
              'locking takes the records off the window')
        check(find(app, WORDS['vault_created'], 'label', timeout=1) is None, 'and the activity too')
        check(wait_for(lambda: not [n for n in app.findChildren(lambda n: n.roleName == 'frame' and
                                                                n.name == WORDS['backup'], recursive=False)], 10)
              is not None, 'locking closes the backup window')
        check(wait_for(lambda: not [n for n in app.findChildren(lambda n: n.roleName == 'frame' and
                                                                n.name == WORDS['services'], recursive=False)], 10)
              is not None, 'locking closes the services window')
        left = [title for title in titles[:8] if find(app, title, timeout=0) is not None]
        check(not left, 'no record title is left for assistive technologies: %s' % left)
        unlock = page(app, WORDS['unlock_page'])
        check(unlock is not None and find(unlock, role='label', contains='dossier-demo', timeout=5) is not None,
              "the demo's unlock page shows its passphrase")
        screenshot('locked')
    finally:
        stop(process)


os.makedirs(args.out, exist_ok=True)
with tempfile.TemporaryDirectory() as home:
    walk_welcome(os.path.join(home, 'one'))
    walk_demo(os.path.join(home, 'two'))

print(f'{passed} passed, {failed} failed')
sys.exit(1 if failed else 0)
