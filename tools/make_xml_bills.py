#!/usr/bin/env python3
"""Write electronic bid-file XML (and zip bid packages, and hostile XML) for gbm-check's tests and demos.

Usage::

    python tools/make_xml_bills.py OUT_DIR [--lines N]

One invented bill (``BILL``: two 单位工程, sections, bill lines, measures, material rows; nothing copied from a
real bill) is written in three layouts that the shipped schema mappings read:

- ``anhui_attributes.xml``  — the 安徽 新点 layout (ConstructProject / JobList / BQTitle / BQItem, values as
  attributes, ResourceItem material rows with MainMaterialFlag, fee tables, 定额 sub-rows), as 新点 writes it;
- ``anhui_children.xml``    — the same schema in another layout: every value a child element, a default
  namespace, elements in another order (materials before the bill, the 单位工程's name after its tables);
- ``hunan_gbk.xml``         — the Hunan-style layout (湖南建设工程造价电子数据标准 / 单位工程 / 分部 / 清单项目
  with Chinese attribute names), encoded in GBK as many Chinese exports are;

plus ``bid_package.zip`` (quantities.xml beside a PDF copy), ``tender_package.zip`` (gclqd.xml, a PDF copy and
an unrelated manifest.xml) and ``hostile/*.xml`` (entity expansion, external DTD and entity, deep nesting, a
huge attribute, truncation, unknown encoding and root).  Everything is deterministic.
"""
from __future__ import annotations

import argparse
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr


@dataclass(frozen=True)
class Line:
    code: str
    name: str
    features: str
    unit: str
    quantity: float
    rate: float
    amount: float | None = None  # None: quantity × rate, rounded to cents

    @property
    def total(self) -> float:
        return round(self.quantity * self.rate, 2) if self.amount is None else self.amount


@dataclass(frozen=True)
class Material:
    code: str
    name: str
    spec: str
    unit: str
    quantity: float
    rate: float
    main: bool
    supplier: str = ""
    origin: str = ""

    @property
    def total(self) -> float:
        return round(self.quantity * self.rate, 2)


@dataclass(frozen=True)
class Unit:
    name: str
    sections: tuple[tuple[str, tuple[Line, ...]], ...]
    measures: tuple[Line, ...] = ()
    materials: tuple[Material, ...] = ()
    fees: float = 0.0

    @property
    def amount(self) -> float:
        lines = [line for _, lines in self.sections for line in lines] + list(self.measures)
        return round(sum(line.total for line in lines) + self.fees, 2)


@dataclass(frozen=True)
class Bill:
    project: str
    units: tuple[Unit, ...]
    software: str = "某某计价软件有限公司"
    dongle: str = "DOG-2024-000123"
    machine: str = "MK-5A1B2C3D4E5F"
    bidder: str = "某某建设工程有限公司"
    extra: dict = field(default_factory=dict)

    @property
    def total(self) -> float:
        return round(sum(unit.amount for unit in self.units), 2)

    def lines(self) -> list[Line]:
        return [line for unit in self.units for _, lines in unit.sections for line in lines]


BILL = Bill(
    project="聊城市某某中学综合楼工程",
    units=(
        Unit(
            name="综合楼 建筑工程",
            sections=(
                ("A.4 砌筑工程", (
                    Line("010401003001", "实心砖墙", "1.砖品种、规格:MU10实心粘土砖 240×115×53\n2.砂浆:M5.0预拌砌筑砂浆",
                         "m3", 12.5, 520.3),
                    Line("010402001001", "砌块墙", "1.砌块品种:蒸压加气混凝土砌块 B06\n2.砂浆:专用粘结砂浆", "m3", 86.4,
                         415.0),
                )),
                ("A.5 混凝土及钢筋混凝土工程", (
                    Line("010502002001", "构造柱", "1.混凝土种类:现场搅拌混凝土\n2.强度等级:C25", "m3", 6.2, 610.0),
                    Line("010515001001", "现浇构件钢筋", "1.钢筋种类、规格:HRB400E Φ12", "t", 3.5, 4800.0),
                )),
            ),
            measures=(Line("", "综合脚手架", "", "m2", 1850.0, 22.5), Line("", "混凝土模板及支架", "", "m2", 300.0, 45.0)),
            materials=(
                Material("04150015", "蒸压加气混凝土砌块", "600×240×200 B06", "m3", 88.1, 310.0, True,
                         supplier="某某新型建材有限公司", origin="山东聊城"),
                Material("00001", "综合工日", "", "工日", 420.0, 120.0, False),
                Material("04130005", "实心粘土砖", "240×115×53 MU10", "千块", 6.6, 480.0, True),
                Material("80010123", "预拌砌筑砂浆", "DM M5.0", "t", 21.3, 380.0, True, supplier="某某砂浆厂"),
                Material("34110003", "电", "", "kWh", 950.0, 0.9, False),
            ),
            fees=3210.55,
        ),
        Unit(
            name="综合楼 装饰工程",
            sections=(
                ("A.10 保温、隔热、防腐工程", (
                    Line("011001003001", "保温隔热墙面", "1.保温材料:岩棉板 50mm\n2.网格布:耐碱玻纤网格布", "m2", 420.0,
                         95.5),
                )),
                ("A.8 门窗工程", (
                    Line("010807001001", "金属窗", "1.断桥铝合金窗\n2.玻璃:6+12A+6中空玻璃", "m2", 130.0, 560.0),
                )),
            ),
            materials=(
                Material("15010011", "岩棉板", "50mm 容重140kg/m3", "m3", 21.8, 760.0, True, supplier="某某保温材料厂"),
                Material("11090021", "断桥铝合金窗", "60系列", "m2", 130.0, 430.0, True, origin="山东临沂"),
            ),
            fees=1800.0,
        ),
    ),
)


def scaled(bill: Bill, lines: int) -> Bill:
    """A bigger bill of about ``lines`` bill lines (the sections repeated, codes renumbered), for benchmarks."""
    base = bill.lines()
    units = []
    per_unit = max(1, lines // 10)
    made = 0
    while made < lines:
        chunk = []
        for i in range(min(per_unit, lines - made)):
            line = base[(made + i) % len(base)]
            chunk.append(Line(line.code[:9] + f"{(made + i) % 1000:03d}", line.name, line.features, line.unit,
                              line.quantity, line.rate))
        made += len(chunk)
        units.append(Unit(name=f"单位工程{len(units) + 1}", sections=(("分部分项", tuple(chunk)),),
                          materials=bill.units[0].materials))
    return Bill(project=bill.project, units=tuple(units))


# --- 安徽 新点 layout, values as attributes --------------------------------------------------------------
def anhui_attributes(bill: Bill = BILL, *, blank_identity: bool = False, wrong_amount: bool = False) -> bytes:
    """The 新点 layout with every value an attribute (``blank_identity``: identity attributes withheld as
    the platforms publish them; ``wrong_amount``: the first bill line's Addup is not Quantity × Rate)."""
    hidden = "（已隐去）"
    dongle, machine, bidder = (hidden,) * 3 if blank_identity else (bill.dongle, bill.machine, bill.bidder)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<ConstructProject Code="00001" Name={quoteattr(bill.project)} Version="1.0">',
           f'\t<TenderInfo BudgetDate="2026-03-01" Tenderer={quoteattr(bidder)} Total="{bill.total / 10000:.6f}"/>',
           f'\t<Building Name={quoteattr(bill.project)}>']
    first = True
    for number, unit in enumerate(bill.units, 1):
        out.append(f'\t\t<JobList Amount="{unit.amount:.2f}" DogNum={quoteattr(dongle)} JobNo="{number:03d}" '
                   f'MachineKey={quoteattr(machine)} Name={quoteattr(unit.name)} SoftName={quoteattr(bill.software)}>')
        out.append('\t\t\t<SummaryTable>')
        out.append(f'\t\t\t\t<SummaryItem Name="合计" OrdCode="1" Total="{unit.amount:.2f}"/>')
        out.append('\t\t\t</SummaryTable>')
        out.append('\t\t\t<BQTable>')
        for section, lines in unit.sections:
            out.append(f'\t\t\t\t<BQTitle Amount="{sum(l.total for l in lines):.2f}" Name={quoteattr(section)}>')
            for line in lines:
                addup = line.total + (100.0 if wrong_amount and first else 0.0)
                first = False
                out.append(f'\t\t\t\t\t<BQItem Addup="{addup:.2f}" AttrAndWork={quoteattr(line.features)} '
                           f'Code="{line.code}" Name={quoteattr(line.name)} Quantity="{line.quantity:.4f}" '
                           f'Rate="{line.rate:.2f}" Unit={quoteattr(line.unit)}>')
                out.append(f'\t\t\t\t\t\t<NormTable><NormItem Code="A4-1" Name="定额子目" Quantity="{line.quantity}">'
                           '<ResUsageTable><ResUsageItem ResourceID="1" Usage="1.0"/></ResUsageTable>'
                           '</NormItem></NormTable>')
                out.append('\t\t\t\t\t</BQItem>')
            out.append('\t\t\t\t</BQTitle>')
        out.append('\t\t\t</BQTable>')
        out.append('\t\t\t<MeasureTable><MeasureTitle Name="措施项目清单">')
        out.append('\t\t\t\t<MeasureItem1 Name="安全文明施工费" OrdCode="1" Total="1000.00"/>')
        for index, line in enumerate(unit.measures, 2):
            out.append(f'\t\t\t\t<MeasureItem2 Name={quoteattr(line.name)} OrdCode="{index}" '
                       f'Quantity="{line.quantity}" Rate="{line.rate}" Total="{line.total:.2f}" Unit="{line.unit}"/>')
        out.append('\t\t\t</MeasureTitle></MeasureTable>')
        out.append('\t\t\t<Resource>')
        for index, mat in enumerate(unit.materials, 1):
            out.append(f'\t\t\t\t<ResourceItem Addup="{mat.total:.2f}" Code="{mat.code}" '
                       f'MainMaterialFlag="{"true" if mat.main else "false"}" MarketRate="{mat.rate}" '
                       f'Name={quoteattr(mat.name)} ProducingArea={quoteattr(mat.origin)} Quantity="{mat.quantity}" '
                       f'ResourceID="{index}" Specification={quoteattr(mat.spec)} Supplier={quoteattr(mat.supplier)} '
                       f'Unit={quoteattr(mat.unit)}/>')
        out.append('\t\t\t</Resource>')
        out.append('\t\t</JobList>')
    out += ['\t</Building>', '</ConstructProject>', '']
    return "\n".join(out).encode("utf-8")


# --- the same schema, another layout: child elements, another order, a default namespace -----------------
def anhui_children(bill: Bill = BILL) -> bytes:
    """Every value a child element, in a different order than 新点 writes, inside a default namespace."""
    def el(tag: str, value: object) -> str:
        return f"<{tag}>{escape(str(value))}</{tag}>"

    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<ConstructProject xmlns="urn:example:bid-file">',
           f'  <TenderInfo>{el("Total", f"{bill.total / 10000:.6f}")}{el("Tenderer", bill.bidder)}</TenderInfo>',
           '  <Building>']
    for unit in bill.units:
        out.append('    <JobList>')
        out.append(f'      {el("SoftName", bill.software)}{el("DogNum", bill.dongle)}')
        out.append('      <Resource>')  # materials before the bill lines
        for mat in reversed(unit.materials):
            out.append('        <ResourceItem>' + el("Unit", mat.unit) + el("Supplier", mat.supplier)
                       + el("Quantity", mat.quantity) + el("Name", mat.name) + el("MarketRate", mat.rate)
                       + el("Specification", mat.spec) + el("Addup", f"{mat.total:.2f}") + el("Code", mat.code)
                       + el("MainMaterialFlag", "1" if mat.main else "0") + el("ProducingArea", mat.origin)
                       + '</ResourceItem>')
        out.append('      </Resource>')
        out.append('      <BQTable>')
        for section, lines in unit.sections:
            out.append('        <BQTitle>')
            for line in lines:
                features = "".join(f"<Clause>{escape(part)}</Clause>" for part in line.features.split("\n"))
                out.append('          <BQItem>' + el("Rate", line.rate) + el("Quantity", line.quantity)
                           + el("Addup", f"{line.total:.2f}") + el("Unit", line.unit)
                           + f"<AttrAndWork>{features}</AttrAndWork>" + el("Name", line.name) + el("Code", line.code)
                           + '</BQItem>')
            out.append(f'          {el("Name", section)}')  # the section's name after its lines
            out.append('        </BQTitle>')
        out.append('      </BQTable>')
        out.append(f'      {el("Amount", f"{unit.amount:.2f}")}{el("Name", unit.name)}')  # the unit's name last
        out.append('    </JobList>')
    out += ['  </Building>', f'  {el("Name", bill.project)}', '</ConstructProject>', '']
    return "\n".join(out).encode("utf-8")


# --- Hunan-style layout (Chinese element and attribute names), GBK-encoded -------------------------------
def hunan(bill: Bill = BILL, encoding: str = "GBK") -> bytes:
    """湖南建设工程造价电子数据标准 style: 清单项目 rows with Chinese attributes under a 分部 that names the section."""
    def attrs(**values: object) -> str:
        return " ".join(f"{key}={quoteattr(str(value))}" for key, value in values.items())

    out = [f'<?xml version="1.0" encoding="{encoding}"?>',
           '<湖南建设工程造价电子数据标准 版本号="1.0">',
           '  <项目工程>',
           f'    <工程项目标段概况><项目标段信息 {attrs(项目标段编码="BD-001", 项目标段名称=bill.project, 建设单位="某某教育局", 项目所在地="聊城市")}/></工程项目标段概况>']
    for unit in bill.units:
        out.append(f'    <单位工程 {attrs(名称=unit.name, 金额=f"{unit.amount:.2f}")}>')
        out.append('      <分部分项工程>')
        for number, (section, lines) in enumerate(unit.sections, 1):
            out.append(f'        <分部 {attrs(序号=number, 名称=section)}>')
            for seq, line in enumerate(lines, 1):
                out.append(f'          <清单项目 {attrs(序号=seq, 项目编码=line.code, 项目名称=line.name, 项目特征=line.features, 工作内容="", 计量单位=line.unit, 工程量=line.quantity, 综合单价=line.rate, 综合合价=f"{line.total:.2f}", 暂估合价="0", 备注="")}></清单项目>')
            out.append('        </分部>')
        out.append('      </分部分项工程>')
        out.append('    </单位工程>')
    out += ['  </项目工程>', '</湖南建设工程造价电子数据标准>', '']
    return "\n".join(out).encode(encoding)


# --- zip bid packages ---------------------------------------------------------------------------------
_PDF_COPY = b"%PDF-1.4\n% a rendering of the bill (not read: the XML beside it is the bill)\n%%EOF\n"


def package(members: dict[str, bytes]) -> bytes:
    """A zip with these members (fixed timestamps: byte-identical on every run)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def bid_package() -> bytes:
    return package({"投标文件/quantities.pdf": _PDF_COPY, "投标文件/quantities.xml": anhui_attributes()})


def tender_package() -> bytes:
    return package({"manifest.xml": b'<?xml version="1.0"?><manifest><file name="gclqd.xml"/></manifest>',
                    "gclqd.pdf": _PDF_COPY, "gclqd.xml": hunan(encoding="UTF-8"), "说明.txt": "招标文件".encode()})


# --- hostile XML ----------------------------------------------------------------------------------------
def billion_laughs() -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, 10)]
    return ('<?xml version="1.0"?>\n<!DOCTYPE ConstructProject [' + "".join(entities) + ']>\n'
            '<ConstructProject Name="&lol9;"><BQItem Name="&lol9;"/></ConstructProject>\n').encode()


def external_dtd() -> bytes:
    return (b'<?xml version="1.0"?>\n<!DOCTYPE ConstructProject SYSTEM "http://attacker.example/bill.dtd">\n'
            b'<ConstructProject Name="x"><BQItem Name="y"/></ConstructProject>\n')


def external_entity() -> bytes:
    return (b'<?xml version="1.0"?>\n<!DOCTYPE ConstructProject [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
            b'<ConstructProject Name="x"><BQItem Name="&secret;"/></ConstructProject>\n')


def deep_nesting(depth: int = 5000) -> bytes:
    return (b'<ConstructProject Name="x">' + b"<a>" * depth + b'<BQItem Name="y"/>' + b"</a>" * depth
            + b"</ConstructProject>")


def huge_attribute(megabytes: int = 12) -> bytes:
    return (b'<ConstructProject Name="x"><BQItem Name="y" AttrAndWork="' + b"A" * (megabytes * 2**20)
            + b'"/></ConstructProject>')


def truncated() -> bytes:
    data = anhui_attributes()
    return data[: len(data) // 2]


def unknown_encoding() -> bytes:
    return b'<?xml version="1.0" encoding="X-NO-SUCH-CODEC"?><ConstructProject/>'


def unknown_root() -> bytes:
    return '<?xml version="1.0"?><报价文件><清单 名称="x"/></报价文件>'.encode()


HOSTILE = {"billion_laughs.xml": billion_laughs, "external_dtd.xml": external_dtd,
           "external_entity.xml": external_entity, "deep_nesting.xml": deep_nesting,
           "huge_attribute.xml": huge_attribute, "truncated.xml": truncated, "unknown_encoding.xml": unknown_encoding,
           "unknown_root.xml": unknown_root}


def write_all(out: Path, lines: int = 0) -> list[Path]:
    """Write every file into ``out``; with ``lines``, also ``big_anhui.xml`` of about that many bill lines."""
    (out / "hostile").mkdir(parents=True, exist_ok=True)
    files = {"anhui_attributes.xml": anhui_attributes(), "anhui_children.xml": anhui_children(),
             "hunan_gbk.xml": hunan(), "bid_package.zip": bid_package(), "tender_package.zip": tender_package()}
    files.update({f"hostile/{name}": make() for name, make in HOSTILE.items()})
    if lines:
        files["big_anhui.xml"] = anhui_attributes(scaled(BILL, lines))
    written = []
    for name, data in files.items():
        path = out / name
        path.write_bytes(data)
        written.append(path)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--lines", type=int, default=0, help="also write big_anhui.xml with about N bill lines")
    args = parser.parse_args()
    for path in write_all(args.out, args.lines):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
