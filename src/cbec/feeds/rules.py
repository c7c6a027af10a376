"""The contract rules a row can break, with what they mean in Chinese and English."""

from __future__ import annotations

RULES: dict[str, tuple[str, str]] = {
    "missing_column": ("文件缺少必填列(整个文件被拒收)", "required column is missing (the file is refused)"),
    "required": ("必填值为空", "required value is empty"),
    "too_long": ("字段超长", "value is longer than allowed"),
    "control_character": ("字段含控制字符(如 NUL)", "value holds a control character (NUL, ESC...)"),
    "not_allowed": ("取值不在允许范围内", "value is not one of the allowed values"),
    "bad_decimal": ("金额/数值格式错误(应为十进制字符串)", "not a decimal string"),
    "negative": ("不允许为负数", "negative value not allowed"),
    "float_not_allowed": ("金额不得为浮点数", "amounts must be decimal strings, not floats"),
    "bad_integer": ("整数格式错误", "not a whole number"),
    "out_of_range": ("数值超出范围", "number outside the allowed range"),
    "bad_timestamp": ("时间格式错误(应为 ISO 8601)", "not an ISO 8601 timestamp"),
    "bad_date": ("日期格式错误(应为 YYYY-MM-DD)", "not a YYYY-MM-DD date"),
    "unknown_country": ("未知国家代码(ISO 3166-1)", "unknown ISO 3166-1 alpha-2 country code"),
    "unknown_currency": ("未知币种(ISO 4217)", "unknown ISO 4217 currency code"),
    "unknown_city": ("不是浙江省地级市", "not one of Zhejiang's 11 prefecture-level cities"),
    "bad_credit_code": (
        "统一社会信用代码无效(GB 32100-2015)",
        "invalid unified social credit code (GB 32100-2015)",
    ),
    "bad_year": ("年份错误", "not a plausible year"),
    "duplicate_key": ("同一文件中同一主键内容冲突", "same key twice in one file with different content"),
    "encoding": ("字符编码错误", "bytes not valid in the file's encoding"),
    "too_few_fields": ("字段数少于表头", "fewer fields than the header"),
    "too_many_fields": ("字段数多于表头", "more fields than the header"),
    "truncated_row": ("末行被截断", "row cut short (truncated file)"),
    "malformed_csv": ("CSV 格式错误", "malformed CSV"),
    "malformed_json": ("JSON 格式错误", "not a JSON object"),
    "empty_file": ("空文件", "empty file"),
    "malformed_header": ("表头无法解析", "header cannot be parsed"),
    "duplicate_header": ("表头列名重复", "column named twice in the header"),
    "malformed_parquet": ("Parquet 文件无法读取", "unreadable Parquet file"),
    "malformed_xml": ("XML 格式错误", "malformed XML"),
    "xml_forbidden": ("拒绝 DTD/实体声明(防 XML 炸弹)", "DTD or entity declaration refused (XML bomb)"),
    "file_too_large": ("文件超过大小上限", "file over the size limit"),
    "not_pacs008": ("不是 pacs.008 报文", "not a pacs.008 message"),
    "unknown_format": ("无法识别的文件格式", "unknown file format"),
    "wrong_encoding": ("文件编码不受支持(应为 UTF-8 或 GB18030)", "encoding not accepted (UTF-8 or GB18030)"),
}


def describe(rule: str) -> str:
    """Return a rule's meaning in both languages."""
    zh, en = RULES.get(rule, (rule, rule))
    return f"{zh} / {en}"
