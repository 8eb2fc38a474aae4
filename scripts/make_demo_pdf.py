"""Build the demo service manual shipped with Field Assistant.

    .venv/bin/python scripts/make_demo_pdf.py [output.pdf]

Writes resources/demo/p200-pump-service-manual.pdf (or the given path). The
"Aqualine P-200" pump, its controller and every part number in it are
fictional; the text was written for the Field Assistant demo library and is
licensed Apache-2.0 with the project.

The PDF has a real text layer, heading paragraphs, an outline (bookmarks) for
every section, title metadata, page numbers, and tables drawn with grid lines
so table extractors can find them. Output is reproducible byte for byte
(reportlab "invariant" mode).
"""

from __future__ import annotations

import sys
from pathlib import Path

from reportlab import rl_config

rl_config.invariant = 1  # fixed dates and document ID: same input, same bytes

from reportlab.lib import colors  # noqa: E402
from reportlab.lib.enums import TA_CENTER  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.platypus import (  # noqa: E402
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "resources" / "demo" / "p200-pump-service-manual.pdf"

TITLE = "Aqualine P-200 Centrifugal Booster Pump - Service Manual"
DOC_NO = "AQ-SM-P200 Rev. C"
PRODUCT = "Aqualine P-200"

# --------------------------------------------------------------------------
# Styles
# --------------------------------------------------------------------------

_base = getSampleStyleSheet()
BODY = ParagraphStyle("Body", parent=_base["BodyText"], fontName="Helvetica", fontSize=9.5,
                      leading=12.5, spaceAfter=5)
H1 = ParagraphStyle("Heading1", parent=_base["Heading1"], fontName="Helvetica-Bold", fontSize=15,
                    leading=19, spaceBefore=4, spaceAfter=8, textColor=colors.HexColor("#12355b"),
                    keepWithNext=1)
H2 = ParagraphStyle("Heading2", parent=_base["Heading2"], fontName="Helvetica-Bold", fontSize=11.5,
                    leading=15, spaceBefore=9, spaceAfter=5, textColor=colors.HexColor("#12355b"),
                    keepWithNext=1)
STEP = ParagraphStyle("Step", parent=BODY, leftIndent=20, bulletIndent=4, spaceAfter=3)
BULLET = ParagraphStyle("Bullet", parent=BODY, leftIndent=16, bulletIndent=5, spaceAfter=2)
CELL = ParagraphStyle("Cell", parent=BODY, fontSize=8.5, leading=10.5, spaceAfter=0)
CELL_B = ParagraphStyle("CellBold", parent=CELL, fontName="Helvetica-Bold")
SAFETY_COLOURS = {"DANGER": "#b00000", "WARNING": "#c05600", "CAUTION": "#8a6d00"}
SAFETY = ParagraphStyle("Safety", parent=BODY, leftIndent=10, rightIndent=10, spaceBefore=4,
                        spaceAfter=7)
TITLE_BIG = ParagraphStyle("TitleBig", parent=BODY, fontName="Helvetica-Bold", fontSize=26,
                           leading=32, alignment=TA_CENTER, textColor=colors.HexColor("#12355b"))
TITLE_SUB = ParagraphStyle("TitleSub", parent=BODY, fontSize=14, leading=19, alignment=TA_CENTER)
TITLE_SMALL = ParagraphStyle("TitleSmall", parent=BODY, fontSize=9, leading=12, alignment=TA_CENTER,
                             textColor=colors.HexColor("#444444"))
TOC_L1 = ParagraphStyle("TOC1", parent=BODY, fontName="Helvetica-Bold", fontSize=10, leading=13,
                        leftIndent=0, firstLineIndent=0, spaceBefore=5, spaceAfter=0)
TOC_L2 = ParagraphStyle("TOC2", parent=BODY, fontSize=9.5, leading=12, leftIndent=16,
                        firstLineIndent=0, spaceBefore=0, spaceAfter=0)


# --------------------------------------------------------------------------
# Document template: outline bookmarks, TOC entries, header/footer
# --------------------------------------------------------------------------

class ManualDoc(BaseDocTemplate):
    def __init__(self, filename: str, **kw):
        super().__init__(filename, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                         topMargin=22 * mm, bottomMargin=20 * mm, **kw)
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([
            PageTemplate(id="title", frames=[frame], onPage=self._title_page),
            PageTemplate(id="normal", frames=[frame], onPage=self._normal_page),
        ])
        self._bookmark_no = 0

    def handle_documentBegin(self):
        self._bookmark_no = 0
        super().handle_documentBegin()

    def afterFlowable(self, flowable):
        if not isinstance(flowable, Paragraph):
            return
        name = flowable.style.name
        if name not in ("Heading1", "Heading2"):
            return
        level = 0 if name == "Heading1" else 1
        text = flowable.getPlainText()
        self._bookmark_no += 1
        key = f"sec{self._bookmark_no}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level=level, closed=False)
        if not getattr(flowable, "_outline_only", False):
            self.notify("TOCEntry", (level, text, self.page, key))

    def _footer(self, canv):
        canv.setStrokeColor(colors.HexColor("#12355b"))
        canv.setLineWidth(0.6)
        y = self.bottomMargin - 8 * mm
        canv.line(self.leftMargin, y + 4 * mm, self.leftMargin + self.width, y + 4 * mm)
        canv.setFont("Helvetica", 8)
        canv.setFillColor(colors.HexColor("#333333"))
        canv.drawString(self.leftMargin, y, f"{PRODUCT} Service Manual  |  {DOC_NO}")
        canv.drawRightString(self.leftMargin + self.width, y, f"Page {canv.getPageNumber()}")

    def _title_page(self, canv, doc):
        canv.saveState()
        canv.setFillColor(colors.HexColor("#12355b"))
        canv.rect(0, A4[1] - 40 * mm, A4[0], 40 * mm, stroke=0, fill=1)
        canv.setFillColor(colors.white)
        canv.setFont("Helvetica-Bold", 20)
        canv.drawString(self.leftMargin, A4[1] - 24 * mm, "AQUALINE")
        canv.setFont("Helvetica", 10)
        canv.drawString(self.leftMargin, A4[1] - 31 * mm, "Pumps for building services")
        self._footer(canv)
        canv.restoreState()

    def _normal_page(self, canv, doc):
        canv.saveState()
        canv.setFont("Helvetica", 8)
        canv.setFillColor(colors.HexColor("#333333"))
        top = A4[1] - 12 * mm
        canv.drawString(self.leftMargin, top, TITLE)
        canv.setStrokeColor(colors.HexColor("#12355b"))
        canv.setLineWidth(0.6)
        canv.line(self.leftMargin, top - 2 * mm, self.leftMargin + self.width, top - 2 * mm)
        self._footer(canv)
        canv.restoreState()


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------

def h1(text: str, outline_only: bool = False) -> Paragraph:
    p = Paragraph(text, H1)
    p._outline_only = outline_only
    return p


def h2(text: str) -> Paragraph:
    return Paragraph(text, H2)


def para(text: str) -> Paragraph:
    return Paragraph(text, BODY)


def safety(level: str, text: str) -> Paragraph:
    """A separate paragraph starting with DANGER: / WARNING: / CAUTION:."""
    colour = SAFETY_COLOURS[level]
    return Paragraph(f'<font color="{colour}"><b>{level}:</b></font> {text}', SAFETY)


def steps(items: list[str]) -> list[Paragraph]:
    return [Paragraph(text, STEP, bulletText=f"{i}.") for i, text in enumerate(items, 1)]


def bullets(items: list[str]) -> list[Paragraph]:
    return [Paragraph(text, BULLET, bulletText="\u2022") for text in items]


def table(header: list[str], rows: list[list[str]], widths_mm: list[float]):
    """A grid table (GRID style, so extractors can find the ruling lines)."""
    data = [[Paragraph(c, CELL_B) for c in header]]
    data += [[Paragraph(c, CELL) for c in row] for row in rows]
    t = Table(data, colWidths=[w * mm for w in widths_mm], repeatRows=1, hAlign="LEFT")
    t.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dfe7f0")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return t


def keep(*flowables) -> KeepTogether:
    """Keep a heading, its introduction and its table on one page where they fit."""
    return KeepTogether(list(flowables))


def caption(text: str) -> Paragraph:
    return Paragraph(f"<i>{text}</i>", ParagraphStyle("Caption", parent=BODY, fontSize=8.5,
                                                      spaceBefore=2, spaceAfter=4))


# --------------------------------------------------------------------------
# Content
# --------------------------------------------------------------------------

def title_page() -> list:
    return [
        Spacer(1, 45 * mm),
        Paragraph("Aqualine P-200", TITLE_BIG),
        Spacer(1, 4 * mm),
        Paragraph("Centrifugal Booster Pump", TITLE_SUB),
        Paragraph("with AquaLogic PC-2 pump controller", TITLE_SUB),
        Spacer(1, 14 * mm),
        Paragraph("SERVICE MANUAL", ParagraphStyle("SM", parent=TITLE_SUB, fontName="Helvetica-Bold",
                                                   fontSize=18, leading=22)),
        Paragraph("Installation - Commissioning - Troubleshooting - Maintenance - Spare parts",
                  TITLE_SMALL),
        Spacer(1, 30 * mm),
        Paragraph(f"Document {DOC_NO} - valid for pumps from serial number P200-24-0001", TITLE_SMALL),
        Paragraph("Models P-200/45 (standard, EPDM elastomers) and P-200/45V (FKM elastomers)",
                  TITLE_SMALL),
        Spacer(1, 6 * mm),
        Paragraph("Read this manual completely before installing, operating or servicing the pump. "
                  "Keep it with the pump for the whole of its service life.", TITLE_SMALL),
        Spacer(1, 18 * mm),
        Paragraph("Fictional equipment. This manual was written for the Field Assistant demo "
                  "library; the product, company and part numbers are invented. "
                  "Licensed under Apache-2.0.", TITLE_SMALL),
        NextPageTemplate("normal"),
        PageBreak(),
    ]


def contents() -> list:
    toc = TableOfContents(levelStyles=[TOC_L1, TOC_L2], dotsMinLevel=0,
                          tableStyle=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                                 ("TOPPADDING", (0, 0), (-1, -1), 0),
                                                 ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return [h1("Contents", outline_only=True), Spacer(1, 3 * mm), toc, PageBreak()]


def section_safety() -> list:
    return [
        h1("1 Safety"),
        para("This manual is intended for qualified service personnel: mechanical fitters and "
             "electricians trained on pressurised water systems and 400 V three-phase equipment. "
             "Only persons who have read and understood this manual may install, operate or "
             "service the P-200."),
        h2("1.1 Safety notices used in this manual"),
        para("Safety notices are printed as separate paragraphs and start with a signal word:"),
        *bullets([
            "<b>DANGER</b> - an immediate hazard that will cause death or serious injury.",
            "<b>WARNING</b> - a hazard that can cause death or serious injury.",
            "<b>CAUTION</b> - a hazard that can cause minor injury or damage to the equipment.",
        ]),
        h2("1.2 General safety rules"),
        safety("DANGER", "Hazardous voltage (400 V AC). Before opening the motor terminal box or the "
               "PC-2 controller, switch off and lock out the main isolator, attach a tag, and verify "
               "that the supply is dead with a two-pole voltage tester. The PC-2 contains DC-link "
               "capacitors: wait at least 5 minutes after isolation before removing the controller "
               "cover."),
        safety("WARNING", "Lock out / tag out before opening the pump housing. The PC-2 can restart "
               "the pump automatically when system pressure falls below the cut-in pressure. Isolate "
               "the electrical supply at the main isolator and secure it with a personal padlock "
               "before any mechanical work on the pump, the coupling or the seal."),
        safety("WARNING", "Pressurised system. The pump casing may be under pressure up to 16 bar "
               "even when the pump is stopped. Close the suction and discharge isolating valves and "
               "relieve the pressure through the drain plug before loosening any casing bolt, plug "
               "or pipe flange."),
        safety("CAUTION", "Hot surfaces. With pumped fluid at up to 90 \u00b0C the pump casing, "
               "the seal cover and the motor frame can exceed 70 \u00b0C. Let the pump cool down "
               "below 40 \u00b0C or wear heat-resistant gloves before touching them."),
        safety("CAUTION", "Never run the pump dry, not even for a rotation check. The mechanical "
               "seal is lubricated by the pumped fluid and is destroyed within seconds of dry "
               "running."),
        para("Wear safety shoes, safety glasses and protective gloves for all mechanical work. "
             "Use lifting gear rated for at least 150 kg when lifting the complete pump unit; "
             "lift only at the two lifting eyes on the baseplate, never at the motor eyebolt."),
    ]


def section_description() -> list:
    return [
        h1("2 Product description"),
        para("The Aqualine P-200 is a single-stage, end-suction centrifugal booster pump for "
             "clean water and water-glycol mixtures (max. 40 % glycol). It is used for pressure "
             "boosting in buildings, irrigation, and process water circuits. The pump and motor "
             "are long-coupled through a jaw-type flexible coupling and mounted on a common steel "
             "baseplate. The shaft is sealed with a single mechanical seal (28 mm) and carried in "
             "two sealed deep-groove ball bearings."),
        para("The AquaLogic PC-2 controller is mounted on a bracket next to the motor. It contains "
             "a frequency converter and keeps the discharge pressure constant at the set point, "
             "using the signal from a 4-20 mA pressure transmitter in the discharge pipe. It "
             "protects the pump against dry running, overload, motor overtemperature and "
             "supply faults, and shows fault codes F01 to F12 on its display (section 6)."),
        keep(h2("2.1 Model code"), table(["Position", "Example", "Meaning"], [
            ["1", "P-200", "Pump series, 200 mm class impeller"],
            ["2", "/45", "Rated flow 45 m\u00b3/h"],
            ["3", "(blank) or V", "Elastomers: blank = EPDM (standard), V = FKM"],
        ], [25, 35, 110])),
        h2("2.2 Nameplate"),
        para("The pump nameplate is riveted to the bearing bracket. Quote the model code and the "
             "serial number (format P200-YY-NNNN, YY = year of manufacture) with every spare parts "
             "order. The motor has its own nameplate with rated current and connection data."),
    ]


def section_specs() -> list:
    return [
        keep(h1("3 Technical specifications"), h2("3.1 Performance and design data"), table(["Parameter", "Value"], [
            ["Rated flow (duty point)", "45 m\u00b3/h at 40 m head"],
            ["Maximum flow", "60 m\u00b3/h (head 30 m)"],
            ["Shut-off head (zero flow)", "52 m"],
            ["NPSH required at duty point", "3.2 m"],
            ["Speed", "2900 rpm at 50 Hz (controller range 1500-2950 rpm)"],
            ["Maximum working pressure", "16 bar (PN16)"],
            ["Maximum suction pressure", "6 bar"],
            ["Fluid temperature", "-10 to +90 \u00b0C (EPDM); -10 to +70 \u00b0C (FKM)"],
            ["Ambient temperature", "0 to +40 \u00b0C, max. 1000 m above sea level"],
            ["Suction / discharge connection", "DN65 / DN50 flanges, PN16"],
            ["Impeller", "Closed, bronze CuSn10, diameter 218 mm"],
            ["Pump casing", "Cast iron EN-GJL-250, cataphoretic coated"],
            ["Shaft", "Stainless steel 1.4021, diameter 28 mm at the seal"],
            ["Mechanical seal", "28 mm, SiC / carbon, EPDM (seal kit SK-200-45B)"],
            ["Bearings", "2 x deep-groove ball bearing 6205-2RS, sealed, lubricated for life"],
            ["Sound pressure level", "68 dB(A) at 1 m"],
            ["Weight (pump, motor, baseplate)", "98 kg"],
        ], [70, 100])),
        keep(h2("3.2 Motor and electrical data"), table(["Parameter", "Value"], [
            ["Rated power", "5.5 kW"],
            ["Supply", "400 V 3~ 50 Hz (tolerance +/- 10 %)"],
            ["Rated current", "10.4 A at 400 V"],
            ["Connection", "Delta at 400 V (motor rated 400 V delta / 690 V star)"],
            ["Efficiency class / enclosure", "IE3 / IP55, insulation class F"],
            ["Frame size", "132S, foot mounted"],
            ["Motor protection", "PTC thermistors, wired to PC-2 terminals 31/32"],
            ["Recommended fuse", "16 A gG"],
            ["Supply cable", "4 x 2.5 mm\u00b2 copper, screened between PC-2 and motor"],
        ], [70, 100])),
        keep(h2("3.3 Tightening torques"), para("Use the torques below for all assembly work. Values apply to lightly oiled steel "
             "screws of property class 8.8 unless stated otherwise. The same values are repeated in "
             "the procedures of section 8."),
        table(["Fastener", "Size", "Torque"], [
            ["Pump mounting bolts (bearing bracket foot to baseplate)", "M12", "68 Nm"],
            ["Motor mounting bolts (motor foot to baseplate)", "M10", "45 Nm"],
            ["Casing bolts (casing to bearing bracket), 8 off", "M10", "45 Nm"],
            ["Impeller nut (with thread-locking compound)", "M14", "38 Nm"],
            ["Coupling hub clamp screws", "M8", "25 Nm"],
            ["Seal cover screws", "M6", "10 Nm"],
            ["Pipe flange bolts, DN65 and DN50", "M16", "100 Nm"],
            ["Drain and vent plugs", "G 3/8", "20 Nm"],
            ["Motor terminal nuts", "M5", "2.5 Nm"],
        ], [105, 25, 40])),
    ]


def section_installation() -> list:
    return [
        h1("4 Installation"),
        h2("4.1 Location and foundation"),
        para("Install the pump indoors in a frost-free, ventilated room. Leave at least 300 mm "
             "free space behind the motor fan cowl for cooling air and 600 mm in front of the "
             "pump casing for seal and impeller service. The foundation must be level within "
             "0.5 mm/m and must carry at least 1.5 times the unit weight."),
        *steps([
            "Place the baseplate on the foundation and level it with steel shims next to each "
            "anchor bolt.",
            "Fix the baseplate with four M16 anchor bolts according to the anchor manufacturer's "
            "instructions.",
            "Check that the pump mounting bolts (M12) are tightened to 68 Nm and the motor mounting "
            "bolts (M10) to 45 Nm; they can loosen in transport.",
            "Check the coupling alignment (section 4.4) after the baseplate is fixed and again "
            "after the pipework is connected.",
        ]),
        h2("4.2 Pipework"),
        *bullets([
            "Suction pipe at least DN80, as short as possible, rising continuously towards the "
            "pump to avoid air pockets. Provide a straight length of at least 5 x pipe diameter "
            "before the suction flange.",
            "Use an eccentric reducer (flat side on top) at the suction flange.",
            "Fit an isolating valve on both sides and a non-return valve on the discharge side.",
            "Fit a diaphragm pressure vessel of at least 24 litres on the discharge side to limit "
            "the number of starts.",
            "Support the pipes independently; the pump flanges must not carry pipe loads.",
            "Install the pressure transmitter (0-16 bar, 4-20 mA) in the discharge pipe at least "
            "5 x DN downstream of the pump, away from bends.",
        ]),
        para("Tighten flange bolts (M16) crosswise in two stages to 100 Nm."),
        h2("4.3 Electrical connection"),
        safety("DANGER", "Electrical connection must be made by a qualified electrician with the "
               "supply isolated, locked out and tested dead. Connect the protective earth before "
               "any other conductor."),
        *steps([
            "Connect the 400 V 3~ supply (L1, L2, L3, PE) to the PC-2 input terminals through a "
            "16 A gG fuse or a matching circuit breaker.",
            "Connect the motor in delta. Use screened 4 x 2.5 mm\u00b2 cable between PC-2 and motor; "
            "connect the screen at both ends with EMC cable glands. Tighten the motor terminal nuts "
            "to 2.5 Nm.",
            "Connect the motor PTC thermistors to terminals 31/32.",
            "Connect the discharge pressure transmitter to terminals 11 (+24 V) and 12 (signal).",
            "Optional: connect the dry-run pressure switch or suction transmitter to terminals 13/14 "
            "and the seal leak probe to terminals 15/16.",
        ]),
        keep(h2("4.4 Coupling alignment"), para("Misalignment is the most frequent cause of coupling and bearing failure. Align with a "
             "dial indicator or laser tool; the motor is shimmed, never the pump."),
        table(["Check", "Permitted value"], [
            ["Gap between coupling hubs", "3 mm (+/- 0.5 mm)"],
            ["Parallel (radial) offset", "max. 0.10 mm"],
            ["Angular offset", "max. 0.05 mm per 100 mm of hub diameter"],
        ], [80, 90])),
        para("After alignment tighten the coupling hub clamp screws (M8) to 25 Nm and the motor "
             "mounting bolts to 45 Nm, then re-check."),
    ]


def section_commissioning() -> list:
    return [
        h1("5 Commissioning"),
        safety("CAUTION", "Fill and vent the pump completely before the first start. The "
               "mechanical seal is damaged by even a short dry run."),
        h2("5.1 Filling and venting"),
        *steps([
            "Open the suction isolating valve fully. Keep the discharge valve closed.",
            "Open the vent plug on top of the pump casing by one to two turns.",
            "Let water flow out until it runs without air bubbles, then close the vent plug "
            "(20 Nm).",
            "Check the pre-charge of the pressure vessel with the vessel empty of water: it must be "
            "0.9 x the cut-in pressure (3.2 bar at the factory settings).",
        ]),
        h2("5.2 Direction of rotation"),
        para("The correct direction is clockwise viewed from the motor fan end, as shown by the "
             "arrow on the pump casing. With the pump filled, start the pump in manual mode for "
             "no more than 2 seconds and watch the fan. If the direction is wrong, change "
             "parameter P11 (motor direction) on the PC-2; do not swap supply phases at the "
             "controller input."),
        keep(h2("5.3 Controller settings"), para("Enter the menu by holding the MENU key for 3 seconds. Parameters are protected by "
             "the installer code 0200. The factory settings are:"),
        table(["Parameter", "Description", "Factory setting", "Range"], [
            ["P01", "Pressure set point", "4.0 bar", "1.0-12.0 bar"],
            ["P02", "Restart differential (cut-in = P01 - P02)", "0.5 bar", "0.1-2.0 bar"],
            ["P03", "Dry-run threshold (suction pressure)", "0.3 bar", "0.0-2.0 bar"],
            ["P04", "Maximum discharge pressure", "9.0 bar", "2.0-15.0 bar"],
            ["P05", "Motor rated current", "10.4 A", "1.0-13.0 A"],
            ["P06", "Overcurrent trip level", "115 % of P05", "100-130 %"],
            ["P07", "Maximum starts per hour", "20", "5-40"],
            ["P08", "Automatic reset attempts after F01", "3", "0-10"],
            ["P09", "Modbus RTU address", "1", "1-247"],
            ["P10", "Acceleration / deceleration ramp", "3 s", "1-30 s"],
            ["P11", "Motor direction", "0 (forward)", "0 / 1"],
            ["P12", "Minimum speed", "1500 rpm", "1200-2500 rpm"],
        ], [20, 75, 35, 40])),
        h2("5.4 First start"),
        *steps([
            "Set P05 to the rated current on the motor nameplate (10.4 A for the standard motor).",
            "Start the pump with the discharge valve closed. Do not run against a closed valve for "
            "longer than 30 seconds.",
            "Open the discharge valve slowly until the system pressure is stable at the set point.",
            "Check the motor current on the PC-2 display: it must not exceed 10.4 A at any flow.",
            "Check the seal for leakage. A new seal may weep a few drops during the first hour of "
            "running-in; it must then be dry.",
            "Check for abnormal noise and vibration, and record pressures, current and settings in "
            "the commissioning record.",
        ]),
    ]


FAULT_CODES = [
    ["F01", "Dry running", "Suction pressure below P03 (0.3 bar) for more than 10 s; empty tank, "
     "closed suction valve, clogged suction strainer.",
     "Restore water supply, check suction valve and strainer, vent pump.",
     "Auto after 5 min, max. P08 attempts; then manual"],
    ["F02", "Motor overcurrent", "Current above P06 x P05 for more than 5 s; seized pump, "
     "foreign body in impeller, coupling misaligned, wrong P05.",
     "Turn the shaft by hand (isolated); inspect impeller; check alignment and P05.", "Manual"],
    ["F03", "Motor overtemperature", "PTC thermistor tripped; blocked cooling air, ambient above "
     "40 \u00b0C, continuous overload.", "Clean fan cowl, improve ventilation, check current.",
     "Auto when motor has cooled"],
    ["F04", "Phase loss", "One supply phase missing or phase imbalance above 10 %.",
     "Check fuses, supply terminals and supply voltage on all phases.", "Auto"],
    ["F05", "Undervoltage", "Supply below 340 V for more than 2 s.",
     "Check supply; contact the utility if persistent.", "Auto"],
    ["F06", "Overvoltage", "Supply above 460 V, or DC-link overvoltage during fast deceleration.",
     "Check supply; increase ramp time P10.", "Auto"],
    ["F07", "Pressure transmitter fault", "Discharge transmitter signal below 3.6 mA or above "
     "21 mA; broken wire, faulty transmitter.",
     "Check wiring at terminals 11/12; measure the loop current; replace transmitter PT-200-16.",
     "Manual"],
    ["F08", "High discharge pressure", "Discharge pressure above P04 (9.0 bar); closed valves in "
     "the system, wrong set point.", "Check system valves and P01/P04 settings.",
     "Auto when pressure is below P04 - 1 bar"],
    ["F09", "Too many starts", "More than P07 (20) starts in one hour; pressure vessel "
     "pre-charge lost, leaking non-return valve, leak in system.",
     "Check vessel pre-charge (3.2 bar), non-return valve and system for leaks.", "Manual"],
    ["F10", "Seal leakage", "Seal leak probe (terminals 15/16) detects water in the drip tray.",
     "Replace mechanical seal (section 8.3).", "Manual"],
    ["F11", "Communication loss", "No Modbus RTU telegram for 30 s (only when Modbus control is "
     "enabled).", "Check bus cable, termination, address P09.", "Auto"],
    ["F12", "Controller internal fault", "Memory checksum error or internal hardware fault.",
     "Switch off for 1 minute. If F12 persists, replace the PC-2 controller (PC2-CTRL).",
     "Manual"],
]


def section_fault_codes() -> list:
    return [
        keep(h1("6 Controller alarm and fault codes"), para("When the PC-2 detects a fault it stops the pump, lights the red FAULT LED and shows "
             "the fault code on the display. Faults marked 'Auto' reset themselves when the cause "
             "has gone. Faults marked 'Manual' are reset by pressing and holding the RESET key for "
             "3 seconds after the cause has been removed. The last 16 faults are stored in the "
             "fault history (menu H) with operating hours."),
        table(["Code", "Fault", "Possible cause", "Action", "Reset"], FAULT_CODES,
              [13, 27, 55, 50, 25])),
        para("Warnings (yellow LED) do not stop the pump: W01 pressure vessel check due, W02 seal "
             "service interval reached (16 000 h), W03 bearing service interval reached "
             "(20 000 h)."),
        safety("WARNING", "Resetting a fault can restart the pump immediately if there is a demand "
               "for water. Keep hands and tools away from the coupling and make sure the coupling "
               "guard is fitted before pressing RESET."),
    ]


TROUBLESHOOTING = [
    ["Pump does not start, display dark", "No supply voltage; fuse blown; main isolator off.",
     "Check isolator, fuses and supply at PC-2 input terminals."],
    ["Pump does not start, fault code shown", "Protective trip of the PC-2.",
     "See the fault code table in section 6."],
    ["Pump runs but delivers no water", "Pump not filled or air in suction pipe; suction valve "
     "closed; wrong direction of rotation.", "Fill and vent (5.1); open valve; check P11 (5.2)."],
    ["Flow or pressure too low", "Impeller or suction strainer clogged; worn impeller or wear "
     "ring; air leak in suction pipe; speed limited.",
     "Clean strainer; inspect impeller IMP-200-218 and wear ring; seal suction joints."],
    ["Pump starts and stops frequently (cycling)", "Pressure vessel pre-charge too low or "
     "diaphragm broken; P02 too small; leaking non-return valve.",
     "Set pre-charge to 3.2 bar; replace vessel diaphragm; increase P02; repair valve."],
    ["Noise like gravel in the pump (cavitation)", "NPSH available too low: suction lift too "
     "high, suction pipe too small or strainer blocked, water too hot.",
     "Reduce suction losses; clean strainer; lower fluid temperature; reduce flow."],
    ["Water leaking at the seal", "Seal faces worn or damaged by dry running or abrasives; "
     "O-ring damaged.", "Replace seal with kit SK-200-45B (section 8.3)."],
    ["High vibration", "Coupling misaligned; worn coupling spider; impeller unbalanced; loose "
     "mounting bolts.", "Re-align (4.4); replace spider CE-200-24; tighten pump bolts to 68 Nm."],
    ["Bearing noise or bearing housing hotter than 80 \u00b0C",
     "Worn bearings; misalignment; water ingress from seal leakage.",
     "Replace both bearings 6205-2RS (section 8.4); check alignment and seal."],
    ["Motor hot, current above 10.4 A", "Flow above 60 m\u00b3/h (too little system "
     "resistance); rubbing impeller; supply voltage too low.",
     "Throttle discharge valve to duty point; inspect impeller; check supply voltage."],
    ["Pressure unstable / hunting", "Pressure vessel too small; transmitter installed near a "
     "bend; ramp P10 too short.", "Fit at least 24 l vessel; relocate transmitter; increase P10."],
]


def section_troubleshooting() -> list:
    return [
        keep(h1("7 Troubleshooting"), para("Use the table below to find the cause of a problem. Work through the causes in the "
             "order listed. Always isolate and lock out the pump before any mechanical check."),
        table(["Symptom", "Possible cause", "Remedy"], TROUBLESHOOTING, [48, 62, 60])),
    ]


def section_maintenance() -> list:
    return [
        keep(h1("8 Maintenance"), h2("8.1 Maintenance schedule"), para("Intervals are for continuous duty in clean water. Shorten them for water with sand "
             "or high temperature. The PC-2 counts operating hours and shows warnings W02 and "
             "W03 when the seal and bearing intervals are reached."),
        table(["Interval", "Task", "Notes"], [
            ["Weekly", "Visual check for leakage at the seal and joints; listen for unusual noise.",
             "A dry seal is normal. Any steady drip means the seal needs service."],
            ["Monthly", "Check pressure vessel pre-charge; read fault history (menu H).",
             "Pre-charge 3.2 bar at factory settings, measured with the vessel empty."],
            ["Every 3 months", "Check motor current and discharge pressure at duty point; "
             "inspect coupling spider through the guard.", "Current max. 10.4 A."],
            ["Every 6 months", "Check coupling alignment; check pump mounting bolts (68 Nm) and "
             "motor mounting bolts (45 Nm); clean motor fan cowl and PC-2 heat sink.", ""],
            ["Every 12 months", "Re-tighten electrical terminals; test dry-run protection (F01) "
             "by closing the suction valve.", "Motor terminals 2.5 Nm."],
            ["16 000 operating hours", "Replace mechanical seal with seal kit SK-200-45B "
             "(SK-200-45V for FKM models).",
             "Replace earlier if leakage exceeds 10 drops per minute."],
            ["20 000 operating hours", "Replace both pump bearings 6205-2RS and the coupling "
             "spider CE-200-24.", "Motor bearings: see motor nameplate."],
        ], [32, 80, 58])),
        h2("8.2 Lubrication"),
        para("The pump bearings 6205-2RS are sealed and lubricated for life; they have no grease "
             "nipples and must not be re-greased. Replace them at 20 000 operating hours or when "
             "they become noisy. The motor bearings are lubricated for life as well."),
        CondPageBreak(80 * mm),
        h2("8.3 Mechanical seal replacement"),
        para("Required parts: seal kit SK-200-45B (contains the mechanical seal 28 mm, casing O-ring "
             "190 x 5 mm and seal cover gasket). For P-200/45V pumps use kit SK-200-45V. "
             "Required tools: 10, 13, 17 and 19 mm spanners, torque wrench 5-100 Nm, "
             "impeller puller or two M8 jacking screws, soapy water, thread-locking compound "
             "(medium strength), clean lint-free cloth. Time required: about 2 hours."),
        safety("WARNING", "Lock out / tag out before opening the housing. Switch off the PC-2 and "
               "lock the main isolator in the OFF position; the pump can otherwise start "
               "automatically on falling pressure."),
        safety("WARNING", "Relieve the pressure before loosening casing bolts. Close both isolating "
               "valves and open the drain plug; the casing can hold up to 16 bar."),
        safety("CAUTION", "Hot surfaces and hot water. Drain and let the pump cool below 40 "
               "\u00b0C before starting work."),
        *steps([
            "Switch off the pump at the PC-2, open the main isolator, lock and tag it out. Verify "
            "that the motor terminals are dead.",
            "Close the suction and discharge isolating valves.",
            "Open the vent plug and then the drain plug at the bottom of the casing. Drain the "
            "casing completely into a bucket.",
            "Remove the coupling guard. Loosen the coupling hub clamp screws and push the motor-side "
            "hub back.",
            "Remove the pump mounting bolts (M12) between the bearing bracket foot and the "
            "baseplate. The casing stays connected to the pipework (back pull-out design).",
            "Remove the eight casing bolts (M10) and pull the bearing bracket with the impeller "
            "out of the casing. Remove and discard the old casing O-ring.",
            "Hold the shaft with a spanner on the coupling-end flats and unscrew the impeller nut "
            "(M14, right-hand thread). Pull the impeller off the shaft with the puller. Keep the "
            "impeller key.",
            "Remove the rotating part of the old seal from the shaft. Remove the four seal cover "
            "screws (M6) and the seal cover, and press the stationary seat out of the cover.",
            "Clean the shaft and the seal seat bore. Check the shaft for scores at the seal "
            "position; polish light marks with fine emery cloth, replace the shaft if scored "
            "deeper than 0.05 mm.",
            "Press the new stationary seat into the seal cover by hand, using the protective film "
            "supplied. Do not touch the lapped seal faces with bare fingers. Wet the elastomer "
            "with soapy water only - never with oil or grease on EPDM.",
            "Fit the seal cover with a new gasket and tighten the seal cover screws (M6) to 10 Nm "
            "in a crosswise pattern.",
            "Wet the shaft with soapy water and slide the rotating unit of the new seal onto the "
            "shaft with a twisting motion until the seal faces touch.",
            "Refit the impeller key and the impeller. Apply thread-locking compound and tighten "
            "the impeller nut to 38 Nm.",
            "Fit the new casing O-ring (190 x 5 mm) from the seal kit. Slide the bearing bracket "
            "into the casing and tighten the casing bolts (M10) crosswise to 45 Nm.",
            "Refit the pump mounting bolts (M12) and tighten them to 68 Nm.",
            "Turn the shaft by hand: it must turn freely without rubbing.",
            "Re-align the coupling (section 4.4), tighten the coupling hub clamp screws to 25 Nm "
            "and refit the coupling guard.",
            "Close the drain plug (20 Nm). Fill and vent the pump (section 5.1). Remove the lock, "
            "restore the supply and check the seal for leakage during the first hour of running. "
            "Reset the seal service counter W02 in menu S.",
        ]),
        h2("8.4 Bearing replacement"),
        para("Both bearings are type 6205-2RS (25 x 52 x 15 mm). Always replace both bearings "
             "together, and fit a new mechanical seal at the same time because the seal must be "
             "removed anyway."),
        *steps([
            "Remove the bearing bracket with the impeller as described in section 8.3, steps 1-9.",
            "Remove the coupling hub from the shaft end and remove the key.",
            "Remove the bearing cover circlip and press the shaft with both bearings out of the "
            "bearing bracket towards the impeller side.",
            "Press the old bearings off the shaft. Press the new bearings on by applying force to "
            "the inner ring only. Heat the bearings to max. 80 \u00b0C with an induction heater "
            "if necessary; never use an open flame.",
            "Press the shaft assembly into the bearing bracket by applying force to the outer "
            "rings, refit the circlip and continue with section 8.3 from step 10.",
            "Reset the bearing service counter W03 in menu S.",
        ]),
    ]


SPARE_PARTS = [
    ["1", "SK-200-45B", "Seal kit EPDM: mechanical seal 28 mm SiC/carbon, casing O-ring, "
     "seal cover gasket", "1", "Yes"],
    ["2", "SK-200-45V", "Seal kit FKM (for P-200/45V), contents as SK-200-45B", "1", "Yes (V models)"],
    ["3", "IMP-200-218", "Impeller, bronze CuSn10, diameter 218 mm", "1", "-"],
    ["4", "WR-200-65", "Wear ring, casing side", "1", "Yes"],
    ["5", "OR-200-190", "O-ring 190 x 5 mm EPDM, casing (also in seal kit)", "1", "-"],
    ["6", "BRG-6205-2RS", "Deep-groove ball bearing 6205-2RS, 25 x 52 x 15 mm", "2", "Yes"],
    ["7", "SH-200-28", "Pump shaft, stainless steel 1.4021, with key", "1", "-"],
    ["8", "NUT-200-M14", "Impeller nut M14 with washer", "1", "Yes"],
    ["9", "KEY-200-8", "Impeller key 8 x 7 x 25 mm", "1", "-"],
    ["10", "CE-200-24", "Coupling spider, elastomer 92 Shore A", "1", "Yes"],
    ["11", "CH-200-SET", "Coupling hubs (pump and motor side) with clamp screws", "1 set", "-"],
    ["12", "PSK-200", "Plug seal kit: drain and vent plug seals", "1", "Yes"],
    ["13", "PT-200-16", "Pressure transmitter 0-16 bar, 4-20 mA, G 1/4", "1", "-"],
    ["14", "LP-200", "Seal leak probe with drip tray", "1", "-"],
    ["15", "PC2-CTRL", "AquaLogic PC-2 controller, 5.5 kW, 400 V", "1", "-"],
    ["16", "MOT-55-132S", "Motor 5.5 kW, 400 V delta, 2900 rpm, IE3, frame 132S", "1", "-"],
]


def section_spares() -> list:
    return [
        keep(h1("9 Spare parts"), para("Order spare parts from your Aqualine service partner. State the pump model, the "
             "serial number from the nameplate, the part number and the quantity. Parts marked "
             "'Yes' are recommended spares to keep in stock for two years of operation."),
        table(["Item", "Part number", "Description", "Qty per pump", "Recommended spare"],
              SPARE_PARTS, [12, 30, 80, 20, 28])),
        h1("10 Decommissioning, storage and disposal"),
        para("For a shutdown longer than one month in frost-prone locations, isolate the pump, "
             "drain the casing completely and leave the drain plug open. Turn the shaft by hand "
             "once a month to keep the seal faces from sticking. Store spare seals and elastomers "
             "in their bags, dark and dry, at 5-25 \u00b0C; do not use seal kits older than five "
             "years."),
        para("Before disposal, drain all fluid and dispose of water-glycol mixtures according to "
             "local regulations. The pump consists mainly of cast iron, steel, bronze and copper, "
             "which can be recycled. Return the PC-2 controller as electronic waste."),
    ]


def build(out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    doc = ManualDoc(str(out), title=TITLE, author="Aqualine Technical Documentation (fictional)",
                    subject="Service manual for the Aqualine P-200 centrifugal booster pump "
                            "(Field Assistant demo document)",
                    keywords="P-200, booster pump, service manual, mechanical seal, fault codes",
                    creator="Field Assistant scripts/make_demo_pdf.py",
                    lang="en")
    story: list = []
    story += title_page()
    story += contents()
    for i, section in enumerate([section_safety, section_description, section_specs,
                                 section_installation, section_commissioning,
                                 section_fault_codes, section_troubleshooting,
                                 section_maintenance, section_spares]):
        if i:
            story.append(CondPageBreak(90 * mm))
        story += section()
    doc.multiBuild(story, canvasmaker=_OutlineCanvas)
    return out


def _OutlineCanvas(*args, **kw):
    """Canvas that opens the PDF with the outline (bookmarks) pane visible."""
    from reportlab.pdfgen.canvas import Canvas

    c = Canvas(*args, **kw)
    c.showOutline()
    return c


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    print(build(target))
