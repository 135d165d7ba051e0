# The billing rules of the USEN GATE 02 IIJ ID service agreement (2025-12-25) in awk: an
# implementation in another language than Python, checked by `termcheck conform
# --impl-cmd` over the termcheck-conform/1 protocol (docs/conform.md). It reads one JSON
# object per line and answers one per line; it computes the fees, the penalty and the
# notice deadline, and says so in its hello.
#
#   termcheck conform --impl-cmd "sh examples/conform-awk/billing.sh"
#
# Written from the terms text, not from model.toml: 第7条第1項 (fees from the first of the
# month after the service start to the end of the termination month), 第9条 (a minimum
# term of 12 months from that first day; a penalty of the remaining months' fees when the
# contract ends within it on the grounds of 第9条第2項), 第10条 (notice by the last day of
# the month two months before the termination month).

function field(line, name,    pattern, start, rest) {
    # The value of "name" in a flat JSON object: a string without quotes, or a number.
    pattern = "\"" name "\": *"
    start = match(line, pattern)
    if (start == 0) return ""
    rest = substr(line, start + RLENGTH)
    if (substr(rest, 1, 1) == "\"") {
        rest = substr(rest, 2)
        return substr(rest, 1, index(rest, "\"") - 1)
    }
    match(rest, /^-?[0-9]+/)
    return substr(rest, 1, RLENGTH)
}

function leap(y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

function days_in(y, m) {
    if (m == 2) return leap(y) ? 29 : 28
    return (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31
}

function month_index(text) { return 12 * substr(text, 1, 4) + substr(text, 6, 2) - 1 }

function first_day(i) { return sprintf("%04d-%02d-01", int(i / 12), i % 12 + 1) }

function last_day(i,    y, m) {
    y = int(i / 12); m = i % 12 + 1
    return sprintf("%04d-%02d-%02d", y, m, days_in(y, m))
}

function max(a, b) { return a > b ? a : b }

BEGIN { hello = 1 }

{
    if (hello) {
        hello = 0
        print "{\"protocol\": \"termcheck-conform/1\", \"quantities\": [\"billing_start\", " \
            "\"service_end\", \"billed_months\", \"billed_fees\", \"minimum_term_end\", " \
            "\"remaining_months\", \"penalty_applies\", \"penalty\", \"total_charged\", " \
            "\"notice_deadline\", \"notice_timely\"]}"
        fflush()
        next
    }
    id = field($0, "id")
    start = month_index(field($0, "service_start"))
    fee = field($0, "monthly_fee") + 0
    ending = month_index(field($0, "termination_month"))
    ground = field($0, "ground")
    if (ground == "") ground = "customer"
    notice = field($0, "notice_arrival")

    billed = max(0, ending - (start + 1) + 1)
    term_last = start + 12
    remaining = max(0, term_last - max(ending, start))
    applies = (ground == "customer" || ground == "nonperformance" || ground == "antisocial-status") && remaining > 0
    penalty = applies ? remaining * fee : 0
    deadline = last_day(ending - 2)

    answer = sprintf("\"billing_start\": \"%s\", \"service_end\": \"%s\", \"billed_months\": %.0f, " \
        "\"billed_fees\": %.0f, \"minimum_term_end\": \"%s\", \"remaining_months\": %.0f, " \
        "\"penalty_applies\": %s, \"penalty\": %.0f, \"total_charged\": %.0f, \"notice_deadline\": \"%s\"",
        first_day(start + 1), last_day(ending), billed, billed * fee, last_day(term_last),
        remaining, applies ? "true" : "false", penalty, billed * fee + penalty, deadline)
    if (notice != "") answer = answer sprintf(", \"notice_timely\": %s", notice <= deadline ? "true" : "false")
    printf "{\"id\": %s, \"quantities\": {%s}}\n", id, answer
    fflush()
}
