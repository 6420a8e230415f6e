"""Write a small certificate registry of EXAMPLE DATA (fictional companies, fictional numbers).

    python tools/make_example_registry.py [--out sample_bills/example_certificate_registry.csv]

No real green-material certificate number format is documented, so the numbers here are deliberately
unlike any real one (EXAMPLE-…).  The file's first line marks it as example data; gbm-check says so in every
report that uses it.  It fits sample_bills/liaocheng_brand_materials.csv, whose lines name these makers.
"""
from __future__ import annotations

import argparse
import csv
from pathlib import Path

HEADER = ["证书编号", "企业名称", "产品名称", "产品类别", "星级", "发证日期", "有效期至", "认证机构", "证书状态"]
ROWS = [
    ["EXAMPLE-0001", "示例鲁西预拌混凝土有限公司", "预拌混凝土 C15-C60", "预拌混凝土", "三星级", "2023-03-01", "2028-02-29", "示例认证中心", "有效"],
    ["EXAMPLE-0002", "示例东昌砂浆科技有限公司", "干混砂浆", "预拌砂浆", "二星级", "2019-05-10", "2024-05-09", "示例认证中心", "有效"],
    ["EXAMPLE-0003", "示例运河门窗有限公司", "断桥铝合金窗", "建筑门窗及配件", "二星级", "2022-07-01", "2027-06-30", "示例认证中心", "有效"],
    ["EXAMPLE-0004", "示例光岳防水材料有限公司", "SBS改性沥青防水卷材", "防水卷材", "一星级", "2021-09-15", "2026-09-14", "示例认证中心", "暂停"],
    ["EXAMPLE-0005", "示例水城保温材料有限公司", "岩棉板", "保温系统材料", "二星级", "2024-01-20", "2029-01-19", "示例认证中心", "有效"],
]
MATERIALS_HEADER = ["序号", "名称、规格、型号", "单位", "数量", "单价（元）", "品牌", "生产厂家"]
MATERIALS = [
    [1, "预拌混凝土 C30", "m3", 1200, 460, "鲁西", "示例鲁西预拌混凝土有限公司"],  # certified
    [2, "干混砌筑砂浆 DM M7.5", "t", 300, 320, "东昌", "示例东昌砂浆科技有限公司"],  # expired 2024-05-09
    [3, "SBS改性沥青防水卷材 4mm", "m2", 2600, 38, "光岳", "示例光岳防水材料有限公司"],  # suspended
    [4, "岩棉板 A级 60mm", "m2", 5200, 55, "运河", "示例运河门窗有限公司"],  # company certified for windows only
    [5, "断桥铝合金窗 6+12A+6", "m2", 900, 780, "运河", "示例运河门窗有限公司"],  # certified
    [6, "纸面石膏板 9.5mm", "m2", 3100, 12, "", "示例无证建材厂"],  # no evidence
    [7, "钢筋 HRB400E Φ20", "t", 400, 4100, "", "示例钢铁有限公司"],  # not in a green category
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = Path(__file__).resolve().parents[1] / "sample_bills"
    parser.add_argument("--out", default=str(root / "example_certificate_registry.csv"))
    parser.add_argument("--bill", default=str(root / "liaocheng_brand_materials.csv"))
    args = parser.parse_args()
    with open(args.out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["示例数据 EXAMPLE DATA：虚构企业与证书，仅供测试，不是真实证书"])
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    with open(args.bill, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["承包人提供主要材料和工程设备一览表（示例：品牌与生产厂家为虚构）"])
        writer.writerow(MATERIALS_HEADER)
        writer.writerows(MATERIALS)
    print(f"wrote {args.out} and {args.bill}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
