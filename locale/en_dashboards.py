"""English for the dashboard's campaign and 1:1 문의 panels (crm/selectors/dashboards.py); fill_en.py loads it."""

TRANSLATIONS = {
    "받은 고객": "Received",
    "열어 본 고객": "Opened",
    "차이(%p, 95% 구간)": "Difference (%p, 95% interval)",
    "매출(원)": "Revenue (won)",
    "캠페인 효과 (대조군과 비교)": "Campaign results (against control)",
    "최근 30일 보낸 캠페인마다 받은 고객과 일부러 보내지 않은 대조군의 주문률이에요.": (
        "For each campaign sent in the last 30 days: the order rate of those who received it and of the control "
        "group we deliberately left out."
    ),
    "주 (월요일부터)": "Week (from Monday)",
    "문의": "Inquiries",
    "첫 답변까지 중앙값(분)": "Median minutes to first answer",
    "목표 안에 답한 비율": "Answered within target",
    "평균 만족도(5점)": "Average satisfaction (of 5)",
    "평가 수": "Ratings",
    "1:1 문의 응답과 만족도": "1:1 inquiries: response and satisfaction",
    "최근 30일 주마다 첫 답변까지 걸린 시간(막대)과 목표 시간 안에 답한 비율(점)이에요.": (
        "Each week of the last 30 days: time to the first answer (bars) and the share answered within the target "
        "(dots)."
    ),
}
