"""Demo data: a few dozen realistic disputes spread over every stage, made through the
same operations the web uses, so their events and clocks are real."""

from __future__ import annotations

import random
import secrets
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from mediation.cases import operations
from mediation.cases.model import Case, Channel, DisputeType, PartyKind, PartyRole, Stage
from mediation.cases.service import deadline_context
from mediation.deadlines import service as clocks
from mediation.deadlines.model import PauseReason
from mediation.errors import UserError
from mediation.people.model import Role, User
from mediation.people.setup import ensure_centre

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
GIVEN = [
    "秀英",
    "桂兰",
    "建国",
    "志强",
    "海燕",
    "德明",
    "玉珍",
    "国华",
    "春梅",
    "文斌",
    "淑芬",
    "永刚",
    "丽娟",
    "学军",
    "凤英",
    "宏伟",
]
REGIONS = ["城关镇", "东河乡", "西山镇", "南湖街道", "北岭乡", "石桥镇"]

# (type, respondent, request, facts, amount range)
DISPUTES = [
    (
        DisputeType.BANKING,
        "示范县农村商业银行股份有限公司",
        "退还银行卡被盗刷款项",
        "申请人称其借记卡在本人持卡期间被异地盗刷，已向公安机关报案，要求银行承担赔偿责任。",
        (3000, 60000),
    ),
    (
        DisputeType.BANKING,
        "某银行股份有限公司示范县支行",
        "退还信用卡分期手续费及违约金",
        "申请人认为银行办理信用卡账单分期时未明确告知实际年化利率，要求退还多收的手续费。",
        (800, 9000),
    ),
    (
        DisputeType.INSURANCE,
        "某人寿保险股份有限公司示范中心支公司",
        "按合同给付重大疾病保险金",
        "申请人确诊恶性肿瘤后申请理赔，保险公司以投保时未如实告知既往病史为由拒赔。",
        (50000, 300000),
    ),
    (
        DisputeType.INSURANCE,
        "某财产保险股份有限公司示范支公司",
        "赔付车辆损失保险金",
        "申请人车辆在暴雨中被淹，保险公司认为属于发动机进水后二次启动造成的损失，不予全额赔付。",
        (12000, 90000),
    ),
    (
        DisputeType.WEALTH_MANAGEMENT,
        "某银行股份有限公司示范县支行",
        "赔偿代销理财产品本金损失",
        "申请人年逾七旬，在网点经工作人员推荐购买高风险理财产品，风险评估问卷由工作人员代填，产品到期亏损。",
        (50000, 400000),
    ),
    (
        DisputeType.SECURITIES,
        "某证券股份有限公司示范营业部",
        "赔偿融资融券强制平仓损失",
        "申请人称券商未按约定时间通知追加担保物即强制平仓，造成损失扩大。",
        (20000, 200000),
    ),
    (
        DisputeType.PAYMENTS,
        "某支付科技有限公司",
        "退还被冒用的快捷支付扣款",
        "申请人手机丢失后，其绑定的快捷支付账户被他人盗用消费，支付机构拒绝退款。",
        (1500, 30000),
    ),
    (
        DisputeType.LENDING,
        "某消费金融股份有限公司",
        "停止不当催收并减免罚息",
        "申请人因病无力按期还款，贷款机构委托的第三方频繁电话催收并联系其亲属，申请人要求协商延期还款并减免罚息。",
        (10000, 80000),
    ),
    (
        DisputeType.LENDING,
        "示范县农村商业银行股份有限公司",
        "减免提前还款违约金",
        "申请人提前归还经营贷款，银行按合同收取提前还款违约金，申请人认为该条款未经提示说明。",
        (2000, 20000),
    ),
    (
        DisputeType.OTHER,
        "某保险代理有限公司",
        "退还误导销售的保费",
        "申请人称代理人以存款名义推销分红型保险，申请退保时仅退还现金价值。",
        (10000, 60000),
    ),
]

# The stages each demo case passes through to reach its final stage.
PATHS: dict[Stage, list[Stage]] = {
    Stage.INTAKE: [],
    Stage.ACCEPTED: [Stage.ACCEPTED],
    Stage.REJECTED: [Stage.REJECTED],
    Stage.INVESTIGATION: [Stage.ACCEPTED, Stage.INVESTIGATION],
    Stage.MEDIATION: [Stage.ACCEPTED, Stage.INVESTIGATION, Stage.MEDIATION],
    Stage.SIGNED: [Stage.ACCEPTED, Stage.INVESTIGATION, Stage.MEDIATION, Stage.SIGNED],
    Stage.FAILED: [Stage.ACCEPTED, Stage.INVESTIGATION, Stage.MEDIATION, Stage.FAILED],
    Stage.WITHDRAWN: [Stage.ACCEPTED, Stage.WITHDRAWN],
    Stage.JUDICIAL_CONFIRMATION: [
        Stage.ACCEPTED,
        Stage.MEDIATION,
        Stage.SIGNED,
        Stage.JUDICIAL_CONFIRMATION,
    ],
    Stage.PERFORMANCE: [Stage.ACCEPTED, Stage.MEDIATION, Stage.SIGNED, Stage.PERFORMANCE],
    Stage.CLOSED: [Stage.ACCEPTED, Stage.MEDIATION, Stage.SIGNED, Stage.PERFORMANCE, Stage.CLOSED],
}
REASONS = {
    Stage.REJECTED: "争议已由人民法院受理，依照调解规则不予受理。",
    Stage.FAILED: "双方对赔偿金额分歧较大，经三次调解未能达成一致。",
    Stage.WITHDRAWN: "申请人与被申请人自行和解，申请撤回调解申请。",
}
# Final stage of each of the 36 demo cases: open stages get more, so the queue is lively.
FINAL = (
    [Stage.INTAKE] * 4
    + [Stage.ACCEPTED] * 4
    + [Stage.INVESTIGATION] * 5
    + [Stage.MEDIATION] * 7
    + [Stage.SIGNED] * 3
    + [Stage.JUDICIAL_CONFIRMATION] * 3
    + [Stage.PERFORMANCE] * 3
    + [Stage.REJECTED, Stage.FAILED, Stage.FAILED, Stage.WITHDRAWN, Stage.CLOSED, Stage.CLOSED]
)

# Demo cases (by index) that reach SIGNED through a signed agreement: the claimant user
# and the bank's user sign (their respondent is the bank), then the mediator. Case 20 then
# goes to the demo court as a packet (the parties' joint application); case 28 is in
# performance with its first instalment paid, and its anonymized outcome is published.
SIGNED_AGREEMENTS = (20, 28)
SENT_TO_COURT = 20
PAID_FIRST = 28
PUBLISHED = 28

DEMO_USERS = [
    ("admin", "中心管理员", Role.ADMIN, None),
    ("mediator", "李文华（调解员）", Role.MEDIATOR, None),
    ("mediator2", "陈国平（调解员）", Role.MEDIATOR, None),
    ("claimant", "王秀英", Role.CLAIMANT, None),
    ("bank", "示范县农商银行消保部", Role.INSTITUTION, "示范县农村商业银行股份有限公司"),
    ("court", "示范县人民法院立案庭", Role.COURT, None),
]


def _id_number(rng: random.Random, born: date) -> str:
    body = f"4{rng.randint(10000, 99999)}{born:%Y%m%d}{rng.randint(100, 999)}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    return body + check


def _ensure_users(session: Session, centre_id: int, instance: Path) -> dict[str, User]:
    users = {}
    lines = []
    for username, name, role, institution in DEMO_USERS:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            password = secrets.token_urlsafe(9)
            user = User(
                centre_id=centre_id,
                username=username,
                display_name=name,
                role=role,
                password_hash=generate_password_hash(password),
                institution_name=institution,
            )
            session.add(user)
            lines.append(f"{username}\t{password}\t{role.value}\t{name}")
        users[username] = user
    session.flush()
    if lines:
        # Demo passwords are generated per installation, never shipped in the repository.
        path = instance / "demo-credentials.txt"
        with path.open("a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
        path.chmod(0o600)
    return users


def load_demo(
    session: Session, config: Mapping, today: date, *, reset: bool = False, seed: int = 20261124
) -> int:
    centre = ensure_centre(session, config)
    users = _ensure_users(session, centre.id, Path(current_app.instance_path))
    from mediation.court.demo import ensure_demo_court

    court = ensure_demo_court(session, centre, users["court"], Path(current_app.instance_path))
    existing = session.scalar(select(Case.id).where(Case.centre_id == centre.id).limit(1))
    if existing is not None and not reset:
        return 0
    if reset:
        session.execute(delete(Case).where(Case.centre_id == centre.id))
        from mediation.cases.model import CaseCounter

        session.execute(delete(CaseCounter).where(CaseCounter.centre_id == centre.id))
    rng = random.Random(seed)
    mediators = [users["mediator"], users["mediator2"]]
    blob_dir = Path(config.get("EVIDENCE_BLOB_DIR") or Path(current_app.instance_path) / "blobs")
    count = 0
    for i, final in enumerate(FINAL):
        dtype, respondent, request, facts, (lo, hi) = DISPUTES[i % len(DISPUTES)]
        path = PATHS[final]
        received = today - timedelta(days=rng.randint(2 + 6 * len(path), 12 + 14 * len(path)))
        born = date(rng.randint(1940, 1995), rng.randint(1, 12), rng.randint(1, 28))
        claimant_name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        claimant_user = users["claimant"] if i in (0, *SIGNED_AGREEMENTS) else None
        if claimant_user:
            claimant_name = claimant_user.display_name
        data = operations.CaseInput(
            dispute_type=dtype,
            channel=rng.choice(list(Channel)),
            request=request,
            facts=facts,
            received_on=received,
            amount_claimed=Decimal(rng.randrange(lo, hi, 100)),
            region=rng.choice(REGIONS),
            parties=[
                operations.PartyInput(
                    role=PartyRole.CLAIMANT,
                    kind=PartyKind.PERSON,
                    name=claimant_name,
                    id_number=_id_number(rng, born),
                    phone=f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
                    address=f"示范县{rng.choice(REGIONS)}{rng.randint(1, 200)}号",
                    agent_name=(rng.choice(SURNAMES) + rng.choice(GIVEN))
                    if born.year < 1955
                    else None,
                    user_id=claimant_user.id if claimant_user else None,
                ),
                operations.PartyInput(
                    role=PartyRole.RESPONDENT,
                    kind=PartyKind.INSTITUTION,
                    name=respondent,
                    agent_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + "（消保专员）",
                ),
            ],
        )
        ctx = deadline_context(session, centre, received, config.get("EXTRA_RULE_DIRS", ()))
        case = operations.create_case(session, centre, users["admin"], data, ctx)
        operations.assign_mediator(session, case, users["admin"], mediators[i % 2])
        on = received
        for stage in path:
            on = min(today, on + timedelta(days=rng.randint(1, 9)))
            ctx.today = on
            if stage == Stage.SIGNED and i in SIGNED_AGREEMENTS:
                # Drafted, issued and signed by all three; the last signature moves the case.
                from mediation.agreements.demo import sign_demo_agreement

                sign_demo_agreement(
                    session,
                    case,
                    ctx,
                    on,
                    i,
                    mediator=mediators[i % 2],
                    claimant=claimant_user,
                    institution=users["bank"],
                    blob_dir=blob_dir,
                )
                continue
            operations.transition(
                session, case, mediators[i % 2], stage, ctx, reason=REASONS.get(stage), on_date=on
            )
            if stage == Stage.MEDIATION and i % 4 == 1:
                # An outside appraisal interrupts some mediations (the clock stops meanwhile).
                start = min(today, on + timedelta(days=2))
                ctx.today = start
                try:
                    operations.pause(
                        session,
                        case,
                        mediators[i % 2],
                        PauseReason.APPRAISAL,
                        ctx,
                        note="委托第三方机构进行损失评估",
                        on_date=start,
                    )
                    if final != Stage.MEDIATION or i % 8 == 1:
                        end = min(today, start + timedelta(days=rng.randint(3, 10)))
                        ctx.today = end
                        operations.resume(
                            session, case, mediators[i % 2], ctx, note="评估报告已送达", on_date=end
                        )
                        on = end
                except UserError:
                    pass  # the rule set has no clock this reason stops
        if i == SENT_TO_COURT:
            # The parties' joint application: the centre sends the packet to the county court.
            from mediation.court.service import submit_to_court

            ctx.today = on = min(today, on + timedelta(days=2))
            from mediation.packets.build import packet_store

            store = packet_store(blob_dir)
            submit_to_court(session, case, mediators[i % 2], court, store, ctx, on_date=on)
        if i == PAID_FIRST:
            _first_payment(session, case, users["bank"], on, today)
        if i == PUBLISHED:
            from mediation.disclosure import service as disclosure

            disclosure.draft(session, case, mediators[i % 2])
            disclosure.approve(session, case, mediators[i % 2])
            disclosure.publish(session, case, mediators[i % 2])
        if case.stage == Stage.MEDIATION:
            from mediation.hearings.demo import schedule_demo_hearing

            tz = config.get("TIMEZONE") or "Asia/Shanghai"
            schedule_demo_hearing(session, case, mediators[i % 2], today, i, tz)
        ctx.today = today
        for clock in clocks.case_clocks(session, case):
            clocks.refresh_clock(clock, ctx)
        clocks.refresh_case_summary(case, clocks.case_clocks(session, case))
        count += 1
    session.flush()
    clocks.scan(session, today)
    return count


def _first_payment(session: Session, case: Case, payer: User, on: date, today: date) -> None:
    """The bank pays the first instalment of the schedule derived from the agreement."""
    from mediation.performance import service as performance
    from mediation.performance.model import PaymentMethod

    schedule = performance.schedule_from_agreement(session, case, None)
    first = schedule.instalments[0]
    performance.record_payment(
        session,
        case,
        payer,
        seq=first.seq,
        amount=first.amount,
        paid_on=min(today, max(on, first.due_on - timedelta(days=1))),
        method=PaymentMethod.BANK_TRANSFER,
        today=today,
        reference=f"DEMO{case.number}",
    )
