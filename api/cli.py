"""The ``fuyuan`` command: serve, migrate, seed, account …"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import getpass
import logging
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from api.settings import Settings, SettingsError
from store.db import is_sqlite
from store.errors import StoreError
from workflow.clock import SHANGHAI
from workflow.i18n import N_, Templates, _, set_default_language

if TYPE_CHECKING:
    from store.models import Unit


def cli_language(flag: str | None, environ: Mapping[str, str]) -> str:
    """The language of the command's output: ``--lang``, else the locale's (LC_ALL,
    LC_MESSAGES, LANG: the first that names Chinese or English), else Chinese.

    Example:
        >>> cli_language(None, {"LANG": "en_US.UTF-8"}), cli_language("zh", {"LANG": "en_GB"})
        ('en', 'zh_CN')
        >>> cli_language(None, {"LC_ALL": "C.UTF-8", "LANG": "en_US.UTF-8"})
        'en'
    """
    if flag:
        return "en" if flag.lower().startswith("en") else "zh_CN"
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "").lower()
        if value.startswith("en"):
            return "en"
        if value.startswith("zh"):
            return "zh_CN"
    return "zh_CN"


def _lang_flag(argv: Sequence[str]) -> str | None:
    """``--lang``'s value in ``argv``, read before the parser is built: its help texts
    are in that language."""
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg.startswith("--lang="):
            return arg.removeprefix("--lang=")
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    set_default_language(cli_language(_lang_flag(argv), os.environ))
    parser = _parser()
    args = parser.parse_args(argv)
    set_default_language(cli_language(args.lang, os.environ))
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        # Only the server signs tokens: the other commands neither read nor make its secret.
        settings = Settings.from_env(make_secret=args.command == "serve")
        result: int = args.run(args, settings)
    except (SettingsError, StoreError) as err:
        print(_("fuyuan: {err}", err=err), file=sys.stderr)
        return 2
    return result


#: argparse's own messages (Python 3.11), as it writes them; see workflow.i18n.Templates.
ARGPARSE_MESSAGES = Templates(
    [
        N_("the following arguments are required: {arguments}"),
        N_("unrecognized arguments: {arguments}"),
        N_("one of the arguments {arguments} is required"),
        N_("argument {argument}: invalid choice: {value} (choose from {choices})"),
        N_("argument {argument}: expected one argument"),
        N_("argument {argument}: expected at least one argument"),
        N_("argument {argument}: ignored explicit argument {value}"),
        N_("argument {argument}: invalid {type} value: {value}"),
        N_("argument {argument}: not allowed with argument {other}"),
        N_("argument {argument}: {reason}"),
        N_("ambiguous option: {option} could match {matches}"),
    ],
    free={"arguments", "value", "choices", "matches", "option", "argument", "other"},
)


#: A help section's title line in Chinese (argparse writes "选项:").
_CJK_HEADING = re.compile(r"^(\s*[^\s:][^:\n]*[\u4e00-\u9fff][^:\n]*):$", re.MULTILINE)


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help with its "usage: " in the command's language."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)

    def format_help(self) -> str:
        # argparse ends each group's title with an ASCII colon; a Chinese title takes
        # the full-width one (选项：), as the usage line does.
        return _CJK_HEADING.sub("\\1：", super().format_help())

    def _split_lines(self, text: str, width: int) -> list[str]:
        # By display width: a Chinese character takes two columns (argparse counts one).
        from reports.columns import wrap

        return wrap(text, width)


class ArgumentParser(argparse.ArgumentParser):
    """argparse speaking the command's language.

    Python's argparse takes its own words ("usage:", "options", "the following
    arguments are required") from gettext's ``argparse`` domain, which has no
    Chinese catalog here; this parser names its groups and its ``-h`` in our
    catalogs, and translates its error messages by pattern
    (:data:`ARGPARSE_MESSAGES`). Its subcommands' parsers are of this class too.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        add_help = kwargs.pop("add_help", True)
        kwargs["add_help"] = False  # ours, below, with its words in the language
        super().__init__(*args, **kwargs)
        self._positionals.title = _("positional arguments")
        self._optionals.title = _("options")
        if add_help:
            self.add_argument(
                "-h",
                "--help",
                action="help",
                default=argparse.SUPPRESS,
                help=_("show this help message and exit"),
            )

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        said = ARGPARSE_MESSAGES.translate(message) or message
        self.exit(2, _("{prog}: error: {message}", prog=self.prog, message=said) + "\n")


def _parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog="fuyuan", description=_("府院联动 case tracking: server and administration.")
    )
    parser.add_argument(
        "--lang",
        choices=["zh", "zh_CN", "en"],
        help=_(
            "the language of the output and the errors (default: LANG=en_* for English, "
            "else Chinese)"
        ),
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help=_("serve the API, GraphiQL and the dashboard"))
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(run=_serve)

    migrate = commands.add_parser("migrate", help=_("apply the database migrations"))
    migrate.set_defaults(run=_migrate)

    seed = commands.add_parser("seed", help=_("load data into the database"))
    seed.add_argument("--demo", action="store_true", required=True, help=_("the Kaifeng demo data"))
    seed.add_argument(
        "--if-empty", action="store_true", help=_("do nothing (and succeed) when data exists")
    )
    seed.set_defaults(run=_seed)

    sweep = commands.add_parser(
        "sweep",
        help=_(
            "raise the supervision level of overdue tasks to 重点 and list the candidates "
            "for 挂牌 (safe to run repeatedly)"
        ),
    )
    sweep.add_argument(
        "--today",
        type=_date,
        help=_("judge lateness as of this day (YYYY-MM-DD; today at the latest)"),
    )
    sweep.add_argument(
        "--dry-run",
        action="store_true",
        help=_("print what the sweep would escalate; write nothing"),
    )
    sweep.set_defaults(run=_sweep)

    notify = commands.add_parser(
        "notify",
        help="run the delivery worker: send the reminders waiting in the outbox by e-mail, "
        "the units' group robots and the SMS webhook (also inside `fuyuan serve` unless "
        "FUYUAN_NOTIFY=off)",
    )
    notify.add_argument(
        "--once", action="store_true", help="send what is due now, then stop (cron, tests)"
    )
    notify.add_argument(
        "--robot", metavar="UNIT_CODE", help="set a unit's group robot (with --channel, --url)"
    )
    notify.add_argument("--channel", help="the robot: WECOM (企业微信) or DINGTALK (钉钉)")
    notify.add_argument("--url", help="the robot's webhook address")
    notify.add_argument("--secret", default="", help="钉钉 加签 secret (SEC…)")
    notify.add_argument(
        "--account", metavar="USERNAME", help="set an account's e-mail, channels and mode"
    )
    notify.add_argument("--email", help="the account's e-mail address (empty: none)")
    notify.add_argument("--channels", help="EMAIL and/or WEBHOOK (SMS), comma-separated")
    notify.add_argument("--mode", help="IMMEDIATE, or DIGEST for one message a working day")
    notify.set_defaults(run=_notify)

    briefing = commands.add_parser(
        "briefing",
        help=_(
            "write a briefing (工作通报) for a period as .md, .html and .docx (a draft: "
            "nothing is stored; issue briefings in the app)"
        ),
    )
    briefing.add_argument("--from", dest="start", type=_date, required=True, help=_("YYYY-MM-DD"))
    briefing.add_argument("--to", dest="end", type=_date, required=True, help=_("YYYY-MM-DD"))
    briefing.add_argument("--out", required=True, help=_("directory to write the files into"))
    briefing.add_argument("--title", help=_("title (default: 府院联动工作通报)"))
    briefing.add_argument("--region", help=_("only the tasks of units in this 县区"))
    briefing.set_defaults(run=_briefing)

    progress = commands.add_parser(
        "progress", help=_("closure progress (闭环进度) as of a moment, as a table or JSON")
    )
    progress.add_argument(
        "--from", dest="start", type=_date, help=_("tasks created from YYYY-MM-DD")
    )
    progress.add_argument("--to", dest="end", type=_date, help=_("tasks created up to YYYY-MM-DD"))
    progress.add_argument("--unit", action="append", help=_("responsible unit code (repeatable)"))
    progress.add_argument("--region", help=_("only the tasks of units in this 县区"))
    progress.add_argument("--kind", help=_("only tasks of this kind (ENFORCEMENT, OTHER …)"))
    progress.add_argument(
        "--as-of", type=_moment, help=_("the moment (ISO; Asia/Shanghai unless a zone is given)")
    )
    progress.add_argument("--json", action="store_true", help=_("print JSON instead of a table"))
    progress.set_defaults(run=_progress)

    ledger = commands.add_parser("ledger", help=_("台账 workbooks (.xlsx)"))
    ledger_commands = ledger.add_subparsers(dest="ledger_command", required=True)
    export = ledger_commands.add_parser(
        "export", help=_("write a ledger of every row (as the office sees them) to an .xlsx")
    )
    export.add_argument("kind", choices=["tasks", "cases", "matters", "units"])
    export.add_argument(
        "--filter",
        help=_(
            "the list's filter as JSON, as exportLedger takes it: {examples}",
            examples='{"tasks": {"state": ["ASSIGNED"]}}, {"enforcementCases": {…}}, '
            '{"progress": {…}}',
        ),
    )
    export.add_argument(
        "--as-of", type=_moment, help=_("units only: the moment (ISO; Asia/Shanghai unless a zone)")
    )
    export.add_argument("--out", required=True, help=_("the .xlsx file to write"))
    export.set_defaults(run=_ledger_export)
    imports = ledger_commands.add_parser(
        "import",
        help=_(
            "import a filled-in 清单 (清单式交办), all or nothing; exit 1 if anything is refused"
        ),
    )
    imports.add_argument("kind", choices=["cases", "matters", "decisions"])
    imports.add_argument("file", help=_("the .xlsx (the template filled in, or a case ledger)"))
    imports.add_argument(
        "--dry-run",
        action="store_true",
        help=_("check every row and list the problems; store nothing"),
    )
    imports.set_defaults(run=_ledger_import)
    template = ledger_commands.add_parser(
        "template", help=_("write the template of a 清单, with today's units in its drop-downs")
    )
    template.add_argument("kind", choices=["cases", "matters", "decisions"])
    template.add_argument("--out", required=True, help=_("the .xlsx file to write"))
    template.set_defaults(run=_ledger_template)
    calendar = commands.add_parser(
        "calendar", help=_("the official working-day calendar (节假日安排), one year per notice")
    )
    calendar_commands = calendar.add_subparsers(dest="calendar_command", required=True)
    calendar_import = calendar_commands.add_parser(
        "import",
        help=_("enter a year from a TOML file (year, source, holidays = [...], workdays = [...])"),
    )
    calendar_import.add_argument("file")
    calendar_import.add_argument(
        "--replace",
        action="store_true",
        help=_("replace a year that is entered already and has tasks counted on it"),
    )
    calendar_import.set_defaults(run=_calendar_import)
    calendar_show = calendar_commands.add_parser(
        "show", help=_("the years stored, or one year's holidays and make-up working days")
    )
    calendar_show.add_argument("year", nargs="?", type=int)
    calendar_show.set_defaults(run=_calendar_show)
    calendar_check = calendar_commands.add_parser(
        "check",
        help=_("compare the stored years with the calendar package's; say where they differ"),
    )
    calendar_check.set_defaults(run=_calendar_check)

    files = commands.add_parser(
        "files", help=_("evidence files (证明材料): FUYUAN_FILES_DIR or FUYUAN_FILES_URL")
    )
    files_commands = files.add_subparsers(dest="files_command", required=True)
    files_gc = files_commands.add_parser(
        "gc", help=_("remove the blobs no file references that are older than 24 hours")
    )
    files_gc.add_argument(
        "--dry-run", action="store_true", help=_("say what would be removed, remove nothing")
    )
    files_gc.set_defaults(run=_files_gc)
    files_check = files_commands.add_parser(
        "check", help=_("check that every referenced blob exists and matches its SHA-256")
    )
    files_check.set_defaults(run=_files_check)

    unit = commands.add_parser("unit", help=_("manage units (单位): courts, organs, departments"))
    unit_commands = unit.add_subparsers(dest="unit_command", required=True)
    unit_create = unit_commands.add_parser(
        "create", help=_("create a unit, e.g. a court outside 开封 whose cases are to be entered")
    )
    unit_create.add_argument("code", help=_("stable code, e.g. SX-PLFY"))
    unit_create.add_argument("--name", required=True, help=_("full name (单位名称)"))
    unit_create.add_argument(
        "--kind",
        required=True,
        help=_("COURT, PARTY_GOV_ORGAN, DEPARTMENT, DISTRICT_GOV or OFFICE"),
    )
    unit_create.add_argument(
        "--region", help=_("division code (610926) or 县区 name (龙亭区, 市直单位)")
    )
    unit_create.add_argument("--parent", help=_("code of the unit it belongs to"))
    unit_create.add_argument("--court-code", help=_("法院代字 of a court: 豫0202, 陕0926, 最高法"))
    unit_create.set_defaults(run=_unit_create)
    unit_update = unit_commands.add_parser(
        "update", help=_("change a unit's fields; '' clears region, parent or court code")
    )
    unit_update.add_argument("code")
    unit_update.add_argument("--name")
    unit_update.add_argument("--kind")
    unit_update.add_argument("--region")
    unit_update.add_argument("--parent")
    unit_update.add_argument("--court-code")
    unit_update.set_defaults(run=_unit_update)
    unit_deactivate = unit_commands.add_parser(
        "deactivate", help=_("deactivate a unit: it keeps its history and is assigned no new task")
    )
    unit_deactivate.add_argument("code")
    unit_deactivate.set_defaults(run=_unit_deactivate)
    unit_show = unit_commands.add_parser("show", help=_("a unit and the history of its changes"))
    unit_show.add_argument("code")
    unit_show.set_defaults(run=_unit_show)

    account = commands.add_parser("account", help=_("manage accounts"))
    account_commands = account.add_subparsers(dest="account_command", required=True)
    create = account_commands.add_parser(
        "create", help=_("create an account; the password is read from standard input")
    )
    create.add_argument("username")
    create.add_argument("--role", required=True)
    create.add_argument("--unit", required=True, help=_("unit code, e.g. KF-CZJ"))
    create.add_argument("--display-name")
    create.set_defaults(run=_account_create)
    reset = account_commands.add_parser(
        "reset-password",
        help=_("set a new password (read from standard input); revokes the account's tokens"),
    )
    reset.add_argument("username")
    reset.set_defaults(run=_account_reset_password)
    deactivate = account_commands.add_parser("deactivate", help=_("deactivate an account"))
    deactivate.add_argument("username")
    deactivate.set_defaults(run=_account_deactivate)
    return parser


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    if args.workers > 1 and is_sqlite(settings.database_url):
        print(
            _(
                "fuyuan: SQLite allows one writing process; run several workers on "
                "PostgreSQL (set FUYUAN_DATABASE_URL=postgres://…)"
            ),
            file=sys.stderr,
        )
        return 2
    uvicorn.run(
        "api.app:create_served_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        # X-Forwarded-For names the client only when a configured proxy sends it.
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=list(settings.trusted_proxies),
    )
    return 0


def _notify(args: argparse.Namespace, settings: Settings) -> int:
    import signal

    from api.notifier import WorkerSettings, run_once, run_worker
    from store.errors import StoreError
    from store.notifications import set_preferences, set_robot
    from store.outbox import counts
    from store.setup import database

    worker = WorkerSettings.from_env()

    async def configure() -> int:
        async with database(settings.database_url):
            try:
                if args.robot:
                    robot = await set_robot(
                        args.robot, args.channel or "", args.url or "", args.secret
                    )
                    print(
                        _(
                            "fuyuan: unit {unit}: robot {channel} set",
                            unit=args.robot,
                            channel=robot.channel.value,
                        )
                    )
                if args.account:
                    channels = args.channels.split(",") if args.channels is not None else None
                    account = await set_preferences(
                        args.account, email=args.email, channels=channels, mode=args.mode
                    )
                    print(
                        _(
                            "fuyuan: account {username}: reminders by {channels} ({mode})",
                            username=account.username,
                            channels=",".join(account.notify_channels) or "-",
                            mode=account.notify_mode.label,
                        )
                    )
            except StoreError as err:
                print(_("fuyuan: {err}", err=err), file=sys.stderr)
                return 2
        return 0

    if args.robot or args.account:
        return asyncio.run(configure())

    async def run() -> int:
        async with database(settings.database_url):
            if args.once:
                import httpx

                async with httpx.AsyncClient(timeout=worker.channels.timeout) as client:
                    while await run_once(worker, client):
                        pass
            else:
                stop = asyncio.Event()
                loop = asyncio.get_running_loop()
                for signum in (signal.SIGINT, signal.SIGTERM):
                    loop.add_signal_handler(signum, stop.set)
                await run_worker(worker, stop=stop)
            state = await counts()
        print(
            _(
                "fuyuan: outbox: {sent} sent, {pending} pending, {dead} dead",
                sent=state["SENT"],
                pending=state["PENDING"],
                dead=state["DEAD"],
            )
        )
        return 0

    return asyncio.run(run())


def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    from store.setup import migrate

    applied = asyncio.run(migrate(settings.database_url))
    for name in applied:
        print(_("fuyuan: applied migration {name}", name=name))
    if applied:
        print(
            _("fuyuan: database is up to date ({count} migration(s) applied)", count=len(applied))
        )
    else:
        print(_("fuyuan: database is up to date (nothing to apply)"))
    return 0


def _seed(args: argparse.Namespace, settings: Settings) -> int:
    from store.demo import DEMO_PASSWORD, WARNING, database_is_empty, seed_demo
    from store.setup import database

    async def run() -> int:
        async with database(settings.database_url):
            if not await database_is_empty():
                if args.if_empty:
                    print(_("fuyuan: the database has data already; demo data not loaded"))
                    return 0
                print(
                    _("fuyuan: the database is not empty; refusing to add demo data"),
                    file=sys.stderr,
                )
                return 2
            summary = await seed_demo()
        print(
            _(
                "fuyuan: demo data loaded: {units} units, {accounts} demo accounts, "
                "{enforcement_cases} enforcement cases, {bankruptcy_cases} bankruptcy "
                "cases, {meetings} joint meetings, {tasks} tasks, {events} events",
                units=summary.units,
                accounts=summary.accounts,
                enforcement_cases=summary.enforcement_cases,
                bankruptcy_cases=summary.bankruptcy_cases,
                meetings=summary.meetings,
                tasks=summary.tasks,
                events=summary.events,
            )
        )
        print(_(WARNING, password=DEMO_PASSWORD), file=sys.stderr)
        return 0

    return asyncio.run(run())


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(
            _("{value!r} is not a date like 2026-11-20", value=value)
        ) from err


def _sweep(args: argparse.Namespace, settings: Settings) -> int:
    from store.calendars import calendar_notice
    from store.operations.sweep import run_sweep
    from store.setup import database
    from workflow.clock import local_today
    from workflow.errors import WorkflowError

    if args.today is not None and args.today > local_today():
        # Its events would be dated today but judged by a day that has not come:
        # permanent records of a lateness nobody has seen yet.
        print(
            _(
                "fuyuan: --today {day} is after today ({today}); the sweep judges a day that "
                "has come",
                day=args.today,
                today=local_today(),
            ),
            file=sys.stderr,
        )
        return 2

    async def run() -> int:
        async with database(settings.database_url):
            notice = await calendar_notice(args.today or local_today())
            if notice is not None:
                # The dashboard's banner says the same (Query.calendarNotice).
                print(
                    _(
                        "fuyuan: warning: {message} (enter the State Council's notice with "
                        "`fuyuan calendar import FILE` or on the dashboard's 节假日安排 page; "
                        "docs/operations.md)",
                        message=notice.message,
                    ),
                    file=sys.stderr,
                )
            try:
                outcome = await run_sweep(today=args.today, dry_run=args.dry_run)
            except WorkflowError as err:
                print(_("fuyuan: {err}", err=err), file=sys.stderr)
                return 2
        would = _("would be ") if args.dry_run else ""
        for step in outcome.applied:
            at_least = _("at least ") if step.missing else ""
            print(
                _(
                    "{code}: {would}{label_zh} → {label_zh2} ({at_least}{working_days_overdue} "
                    "working days overdue)",
                    code=step.code,
                    would=would,
                    label_zh=step.from_level.label_zh,
                    label_zh2=step.to_level.label_zh,
                    at_least=at_least,
                    working_days_overdue=step.working_days_overdue,
                )
            )
        for skip in outcome.skipped:
            print(
                _(
                    "{code}: skipped, left at {label_zh} (late by at least "
                    "{at_least_working_days} working days; {reason})",
                    code=skip.code,
                    label_zh=skip.supervision_level.label_zh,
                    at_least_working_days=skip.at_least_working_days,
                    reason=skip.reason,
                )
            )
        if args.dry_run:
            print(
                _(
                    "fuyuan: dry run: {len} task(s) would be escalated; nothing written",
                    len=len(outcome.applied),
                )
            )
        else:
            print(_("fuyuan: {len} task(s) escalated", len=len(outcome.applied)))
        # 挂牌 is the office's decision: the sweep names the candidates, never lists them
        for candidate in outcome.candidates:
            judged = candidate.judgement
            at_least = _("at least ") if judged.missing else ""
            print(
                _(
                    "{code}: candidate for 挂牌 ({label_zh}, {at_least}{working_days_overdue} "
                    "working days overdue; a coordinator decides with supervise and a comment)",
                    code=judged.code,
                    label_zh=judged.supervision_level.label_zh,
                    at_least=at_least,
                    working_days_overdue=judged.working_days_overdue,
                )
            )
        if outcome.candidates:
            print(_("fuyuan: {len} candidate(s) for 挂牌", len=len(outcome.candidates)))
        if outcome.skipped:
            print(
                _(
                    "fuyuan: {len} overdue task(s) could not be judged: {reason}; enter the "
                    "State Council's notice with `fuyuan calendar import FILE` and run the "
                    "sweep again",
                    len=len(outcome.skipped),
                    reason=outcome.skipped[0].reason,
                )
            )
        return 1 if outcome.nothing_judged else 0

    return asyncio.run(run())


def _briefing(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from reports.briefings import check_period, render
    from reports.snapshot import Snapshot, collect
    from reports.words import DEFAULT_TITLE, BriefingText
    from store.setup import database
    from workflow.clock import local_today

    # generateBriefing's rule: a period that has begun and ended, today at the latest
    check_period(args.start, args.end, today=local_today())

    async def run() -> Snapshot:
        async with database(settings.database_url):
            return await collect(
                args.start, args.end, region=args.region, limits=settings.clock_limits
            )

    snapshot = asyncio.run(run())
    text = BriefingText(
        title=args.title or DEFAULT_TITLE, year=args.end.year, serial=None, next_steps=""
    )
    files = render(snapshot, text)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"briefing-{args.start.isoformat()}_{args.end.isoformat()}"
    for suffix, content in ((".md", files.markdown), (".html", files.html)):
        stem.with_suffix(suffix).write_text(content, encoding="utf-8")
    stem.with_suffix(".docx").write_bytes(files.docx)
    print(_("fuyuan: wrote {stem}.md, .html and .docx", stem=stem))
    return 0


def _moment(value: str) -> dt.datetime:

    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(
            _("{value!r} is not a time like 2026-11-20T18:00", value=value)
        ) from err
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def _progress(args: argparse.Namespace, settings: Settings) -> int:
    import json

    from reports.progress import ProgressReport, Scope, compute_progress
    from reports.progress_text import report_dict, report_table
    from store.enums import TaskKind
    from store.models import Unit
    from store.setup import database

    if args.start and args.end and args.start > args.end:
        print(_("fuyuan: --from is after --to"), file=sys.stderr)
        return 2
    try:
        kind = TaskKind(args.kind) if args.kind else None
    except ValueError:
        print(_("fuyuan: no task kind {kind!r}", kind=args.kind), file=sys.stderr)
        return 2

    async def run() -> ProgressReport | None:
        async with database(settings.database_url):
            unit_ids = None
            if args.unit:
                units = dict(await Unit.filter(code__in=args.unit).values_list("code", "id"))
                unknown = sorted(set(args.unit) - set(units))
                if unknown:
                    print(_("fuyuan: no unit {names}", names=", ".join(unknown)), file=sys.stderr)
                    return None
                unit_ids = tuple(units.values())
            scope = Scope(args.start, args.end, unit_ids, args.region, kind, args.as_of)
            return await compute_progress(scope, limits=settings.clock_limits)

    report = asyncio.run(run())
    if report is None:
        return 2
    if args.json:
        print(json.dumps(report_dict(report), ensure_ascii=False, indent=2))
    else:
        print(report_table(report))
    return 0


def _ledger_export(args: argparse.Namespace, settings: Settings) -> int:
    import dataclasses
    from pathlib import Path
    from typing import BinaryIO

    from schema.errors import CodedError
    from schema.ledgers import LedgerFilter, LedgerKind, decode_filter, write_ledger
    from schema.types.progress import ProgressScope
    from store.setup import database

    kind = LedgerKind(args.kind)
    try:
        spec = decode_filter(args.filter)
    except CodedError as err:
        print(_("fuyuan: {message}", message=err.message), file=sys.stderr)
        return 2
    if args.as_of is not None:
        if kind is not LedgerKind.UNITS:
            print(
                _("fuyuan: --as-of is for the units ledger; the others are as of now"),
                file=sys.stderr,
            )
            return 2
        spec = spec or LedgerFilter()
        progress = dataclasses.replace(spec.progress or ProgressScope(), as_of=args.as_of)
        spec = dataclasses.replace(spec, progress=progress)
    out = Path(args.out)

    async def run(file: BinaryIO) -> int:
        async with database(settings.database_url):
            return await write_ledger(kind, spec, file, viewer=None)

    try:
        with out.open("wb") as file:
            rows = asyncio.run(run(file))
    except CodedError as err:
        out.unlink(missing_ok=True)
        print(_("fuyuan: {message}", message=err.message), file=sys.stderr)
        return 2
    except OSError as err:
        print(
            _("fuyuan: cannot write {out}: {strerror}", out=out, strerror=err.strerror),
            file=sys.stderr,
        )
        return 2
    print(_("fuyuan: wrote {rows} rows to {out}", rows=rows, out=out))
    return 0


def _ledger_import(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from reports.ledger_import import ImportResult, import_ledger
    from store.setup import database

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as err:
        print(
            _("fuyuan: cannot read {path}: {strerror}", path=path, strerror=err.strerror),
            file=sys.stderr,
        )
        return 2

    async def run() -> ImportResult:
        async with database(settings.database_url):
            return await import_ledger(
                args.kind, data, path.name, dry_run=args.dry_run, imported_by=None
            )

    result = asyncio.run(run())
    for problem in result.problems:
        message = (
            _("sheet 「{sheet}」, {message}", sheet=problem.sheet, message=problem.message)
            if problem.sheet
            else problem.message
        )
        print(f"{problem.code.value}\t{message}", file=sys.stderr)
    if result.problem_count:
        more = result.problem_count - len(result.problems)
        summary = (
            _(
                "fuyuan: {file}: {count} problems (only the first {shown} listed); nothing "
                "was imported",
                file=path.name,
                count=result.problem_count,
                shown=len(result.problems),
            )
            if more
            else _(
                "fuyuan: {file}: {count} problems; nothing was imported",
                file=path.name,
                count=result.problem_count,
            )
        )
        print(summary, file=sys.stderr)
        return 1
    if result.batch is None:
        print(
            _(
                "fuyuan: {name}: all {rows} rows can be imported, creating {created} records "
                "(a dry run: nothing stored)",
                name=path.name,
                rows=result.rows,
                created=result.created,
            )
        )
        return 0
    print(
        _(
            "fuyuan: {name}: imported {rows} rows, created {created} records (import batch {id})",
            name=path.name,
            rows=result.rows,
            created=result.created,
            id=result.batch.id,
        )
    )
    return 0


def _ledger_template(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path
    from typing import BinaryIO

    from reports.ledger_import import write_template
    from store.setup import database

    out = Path(args.out)

    async def run(file: BinaryIO) -> None:
        async with database(settings.database_url):
            await write_template(args.kind, file)

    try:
        with out.open("wb") as file:
            asyncio.run(run(file))
    except OSError as err:
        print(
            _("fuyuan: cannot write {out}: {strerror}", out=out, strerror=err.strerror),
            file=sys.stderr,
        )
        return 2
    print(_("fuyuan: wrote the {kind} template to {out}", kind=args.kind, out=out))
    return 0


def _calendar_import(args: argparse.Namespace, settings: Settings) -> int:
    from store.calendars import calendar_file, set_official_calendar
    from store.errors import InvalidCalendar
    from store.setup import database

    async def run() -> int:
        try:
            entry = calendar_file(args.file)  # read and checked before the database opens
            async with database(settings.database_url):
                row = await set_official_calendar(
                    year=entry.year,
                    source=entry.source,
                    holidays=entry.holidays,
                    workdays=entry.workdays,
                    replace=args.replace,
                    entered_by=None,
                )
        except InvalidCalendar as err:
            for problem in err.problems:
                print(
                    _(
                        "fuyuan: {file}: {field}: {reason}",
                        file=args.file,
                        field=problem.field,
                        reason=problem.reason,
                    ),
                    file=sys.stderr,
                )
            return 2
        print(
            _(
                "fuyuan: calendar {year} entered ({source}): {len} holidays, {len2} "
                "make-up working days",
                year=row.year,
                source=row.source,
                len=len(row.holidays),
                len2=len(row.workdays),
            )
        )
        return 0

    return asyncio.run(run())


def _calendar_show(args: argparse.Namespace, settings: Settings) -> int:
    from store.enums import CalendarOrigin
    from store.models import OfficialCalendar
    from store.setup import database

    async def run() -> list[OfficialCalendar]:
        async with database(settings.database_url):
            query = OfficialCalendar.all().prefetch_related("entered_by")
            if args.year is not None:
                query = query.filter(year=args.year)
            return list(await query)

    rows = asyncio.run(run())
    if args.year is not None and not rows:
        print(_("fuyuan: {year} is not entered", year=args.year), file=sys.stderr)
        return 1
    for row in rows:
        by = (
            row.entered_by.username
            if row.entered_by
            else ("the package" if row.origin == CalendarOrigin.PACKAGE else "the command line")
        )
        print(
            _(
                "{year}  {source}  {len} holidays  {len2} make-up days  entered "
                "{entered_at:%Y-%m-%d} by {by}",
                year=row.year,
                source=row.source,
                len=len(row.holidays),
                len2=len(row.workdays),
                entered_at=row.entered_at,
                by=by,
            )
        )
        if args.year is not None:
            print(_("holidays: {days}", days=" ".join(row.holidays)))
            print(_("workdays: {days}", days=" ".join(row.workdays) or _("(none)")))
    return 0


def _calendar_check(args: argparse.Namespace, settings: Settings) -> int:
    from store.calendars import check_against_package
    from store.setup import database

    async def run() -> int:
        async with database(settings.database_url):
            found = await check_against_package()
        for item in found:
            print(item.describe())
        disagree = [item for item in found if item.only_stored or item.only_package]
        print(
            _(
                "fuyuan: {len} year(s) where the stored calendar and the package disagree",
                len=len(disagree),
            )
        )
        return 1 if disagree else 0

    return asyncio.run(run())


def _files_gc(args: argparse.Namespace, settings: Settings) -> int:
    from store.blobs import open_blob_store
    from store.operations.files import collect_garbage
    from store.setup import database

    blobs = open_blob_store(
        settings.files_url, settings.files_dir, endpoint_url=settings.s3_endpoint_url
    )

    async def run() -> int:
        async with database(settings.database_url):
            report = await collect_garbage(blobs, dry_run=args.dry_run)
        for sha256 in report.removed:
            print(sha256)
        template = (
            N_(
                "fuyuan: {store}: {blobs} blob(s), {referenced} referenced; {removed} "
                "unreferenced for over 24 hours would be removed, {young} younger kept; "
                "{stale} unfinished upload(s)"
            )
            if args.dry_run
            else N_(
                "fuyuan: {store}: {blobs} blob(s), {referenced} referenced; {removed} "
                "unreferenced for over 24 hours removed, {young} younger kept; {stale} "
                "unfinished upload(s) removed"
            )
        )
        print(
            _(
                template,
                store=blobs.description,
                blobs=report.blobs,
                referenced=report.referenced,
                removed=len(report.removed),
                young=report.kept_young,
                stale=report.stale_uploads,
            )
        )
        return 0

    return asyncio.run(run())


def _files_check(args: argparse.Namespace, settings: Settings) -> int:
    from store.blobs import open_blob_store
    from store.operations.files import check_files
    from store.setup import database

    blobs = open_blob_store(
        settings.files_url, settings.files_dir, endpoint_url=settings.s3_endpoint_url
    )

    async def run() -> int:
        async with database(settings.database_url):
            report = await check_files(blobs)
        for sha256 in report.missing:
            print(_("missing: {sha256}", sha256=sha256))
        for sha256 in report.corrupt:
            print(_("does not match its hash: {sha256}", sha256=sha256))
        print(
            _(
                "fuyuan: {store}: {rows} file(s), {blobs} blob(s) referenced; {missing} "
                "dangling reference(s), {corrupt} corrupt",
                store=blobs.description,
                rows=report.rows,
                blobs=report.blobs,
                missing=len(report.missing),
                corrupt=len(report.corrupt),
            )
        )
        return 0 if report.ok else 1

    return asyncio.run(run())


def _unit_line(unit: Unit) -> str:
    parts = [unit.code, unit.name, unit.kind.label]
    parts += [text for text in (unit.region, unit.court_code) if text]
    if not unit.is_active:
        parts.append("已停用")
    return " · ".join(parts)


def _unit_create(args: argparse.Namespace, settings: Settings) -> int:
    from store.operations.units import create_unit
    from store.setup import database

    async def run() -> None:
        async with database(settings.database_url):
            unit = await create_unit(
                code=args.code,
                name=args.name,
                kind=args.kind,
                region=args.region,
                parent=args.parent,
                court_code=args.court_code,
            )
        print(_("fuyuan: unit created: {unit_line}", unit_line=_unit_line(unit)))

    asyncio.run(run())
    return 0


def _unit_update(args: argparse.Namespace, settings: Settings) -> int:
    from store.operations.units import update_unit
    from store.setup import database

    given = {
        "name": args.name,
        "kind": args.kind,
        "region": args.region,
        "parent": args.parent,
        "court_code": args.court_code,
    }
    # an option left out keeps the field; an empty one ('') clears it
    changes = {field: value or None for field, value in given.items() if value is not None}
    if not changes:
        print(
            _("fuyuan: nothing to change: give --name, --kind, --region, --parent or --court-code")
        )
        return 2

    async def run() -> None:
        async with database(settings.database_url):
            unit = await update_unit(args.code, changes)
        print(_("fuyuan: unit updated: {unit_line}", unit_line=_unit_line(unit)))

    asyncio.run(run())
    return 0


def _unit_deactivate(args: argparse.Namespace, settings: Settings) -> int:
    from store.operations.units import deactivate_unit
    from store.setup import database

    async def run() -> None:
        async with database(settings.database_url):
            unit = await deactivate_unit(args.code)
        print(
            _(
                "fuyuan: unit {code} deactivated; it keeps its cases and tasks and is "
                "assigned no new task",
                code=unit.code,
            )
        )

    asyncio.run(run())
    return 0


def _unit_show(args: argparse.Namespace, settings: Settings) -> int:
    from store.models import UnitChange
    from store.operations.common import resolve_unit
    from store.setup import database

    async def run() -> None:
        async with database(settings.database_url):
            unit = await resolve_unit(args.code, field="code")
            changes = (
                await UnitChange.filter(unit_id=unit.id)
                .order_by("id")
                .prefetch_related("changed_by")
            )
        print(_unit_line(unit))
        for change in changes:
            when = change.changed_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
            who = change.changed_by.username if change.changed_by else "命令行"
            fields = "; ".join(
                f"{field}: {old if old is not None else '—'} → {new if new is not None else '—'}"
                for field, (old, new) in change.changes.items()
            )
            print(
                _(
                    "  {when} {label} ({who}) {fields}",
                    when=when,
                    label=change.action.label,
                    who=who,
                    fields=fields,
                )
            )

    asyncio.run(run())
    return 0


def _read_password() -> str:
    if sys.stdin.isatty():
        return getpass.getpass("password: ")
    return sys.stdin.readline().rstrip("\n")


def _account_create(args: argparse.Namespace, settings: Settings) -> int:
    from store.operations.units import create_account
    from store.setup import database

    password = _read_password()

    async def run() -> None:
        async with database(settings.database_url):
            account = await create_account(
                username=args.username,
                password=password,
                role=args.role,
                unit=args.unit,
                display_name=args.display_name,
            )
            print(
                _(
                    "fuyuan: account {username} created ({value})",
                    username=account.username,
                    value=account.role.value,
                )
            )

    asyncio.run(run())
    return 0


def _account_reset_password(args: argparse.Namespace, settings: Settings) -> int:
    from store.operations.units import reset_password
    from store.setup import database

    password = _read_password()

    async def run() -> None:
        async with database(settings.database_url):
            await reset_password(args.username, password)
        print(
            _(
                "fuyuan: password of {username} reset; its earlier tokens no longer work",
                username=args.username,
            )
        )

    asyncio.run(run())
    return 0


def _account_deactivate(args: argparse.Namespace, settings: Settings) -> int:
    from store.operations.units import deactivate_account
    from store.setup import database

    async def run() -> None:
        async with database(settings.database_url):
            await deactivate_account(args.username)
        print(
            _(
                "fuyuan: account {username} deactivated; its tokens no longer work",
                username=args.username,
            )
        )

    asyncio.run(run())
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())


def entry() -> None:
    """Console-script entry point."""
    raise SystemExit(main())
