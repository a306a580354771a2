#!/usr/bin/python3
"""Writes the XLSX and broken-file fixtures of the import tests into
src/importer/testdata/. Run once; the outputs are committed. Needs Debian's
python3-openpyxl and libreoffice-calc-nogui (for the LibreOffice-written file).
"""
import datetime
import os
import shutil
import subprocess
import tempfile
import zipfile

import openpyxl

OUT = os.path.join(os.path.dirname(__file__), "..", "src", "importer", "testdata")

HEADER = ["external_id", "given_name", "family_name", "sex", "birth_date", "area_code",
          "national_id", "phone", "disability"]
ROWS = [
    ["X1", "Amina", "Odhiambo", "female", datetime.date(1985, 3, 4), "KE-NBO", 12345678, "+254712345678", "no"],
    ["X2", "Baraka", "Otieno", "male", datetime.date(2015, 6, 1), "KE-NBO", None, None, "yes"],
    ["X3", "Chebet", "Kamau", "F", datetime.date(1990, 12, 31), "KE-MSA", 23456789, "0712 345 679", None],
]


def openpyxl_workbook():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "People"
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    for cell in sheet["E"][1:]:
        cell.number_format = "yyyy-mm-dd"
    notes = book.create_sheet("Notes")
    notes.append(["this sheet is not the registry"])
    path = os.path.join(OUT, "individuals_openpyxl.xlsx")
    book.save(path)
    return path


def libreoffice_workbook():
    work = tempfile.mkdtemp()
    csv_path = os.path.join(work, "individuals_libreoffice.csv")
    with open(csv_path, "w", encoding="utf-8") as f:
        f.write(",".join(HEADER) + "\n")
        for row in ROWS:
            f.write(",".join("" if v is None else str(v) for v in row) + "\n")
    subprocess.run(["soffice", "--headless", "--convert-to", "xlsx", "--outdir", work, csv_path],
                   check=True, capture_output=True)
    shutil.copy(os.path.join(work, "individuals_libreoffice.xlsx"), OUT)
    shutil.rmtree(work)


def inline_strings_workbook():
    """Streaming writers (not Excel) store text as inline strings."""
    path = os.path.join(OUT, "individuals_inline.xlsx")
    rows = [HEADER] + [["X4", "Dorcas", "Wanjiku", "female", "1970-01-15", "KE-MSA", "34567890", "", "no"]]
    cells = []
    for r, row in enumerate(rows, start=1):
        out = []
        for c, value in enumerate(row):
            if value == "":
                continue  # empty cells are simply absent
            ref = chr(ord("A") + c) + str(r)
            out.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
        cells.append(f'<row r="{r}">{"".join(out)}</row>')
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'<sheetData>{"".join(cells)}</sheetData></worksheet>')
    workbook = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        z.writestr("xl/worksheets/sheet1.xml", sheet)


def broken_files(valid_xlsx):
    with open(valid_xlsx, "rb") as f:
        data = f.read()
    with open(os.path.join(OUT, "truncated.xlsx"), "wb") as f:
        f.write(data[: len(data) // 2])
    with open(os.path.join(OUT, "not_a_workbook.xlsx"), "wb") as f:
        f.write(b"external_id,given_name\nX1,Amina\n")
    with open(os.path.join(OUT, "binary.csv"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with open(os.path.join(OUT, "latin1.csv"), "wb") as f:
        f.write("external_id,given_name,family_name\nX1,Jos\xe9,P\xe9rez\n".encode("latin-1"))
    open(os.path.join(OUT, "empty.csv"), "wb").close()
    with open(os.path.join(OUT, "unterminated_quote.csv"), "wb") as f:
        f.write(b'external_id,given_name,family_name\nX1,"Amina,Odhiambo\n')


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    valid = openpyxl_workbook()
    libreoffice_workbook()
    inline_strings_workbook()
    broken_files(valid)
