"""A small bilingual registry and posts, written by the tests themselves."""

from __future__ import annotations

from typing import Any

FACTCHECKS: list[dict[str, Any]] = [
    {"id": "fc-5g", "claim": "5G mobile networks spread the coronavirus.",
     "title": "No, 5G does not spread COVID-19", "verdict": "false",
     "rebuttal": "Viruses cannot travel on radio waves; COVID-19 spread in places without 5G.",
     "sources": ["https://example.org/fact/5g"], "languages": ["en"],
     "publisher": "Example Checks", "published": "2020-04-06", "tags": ["covid-19", "5g"]},
    {"id": "fc-chip", "claim": "COVID-19 vaccines contain microchips that track people.",
     "verdict": "false", "rebuttal": "Vaccine ingredients are public; none is a microchip.",
     "sources": ["https://example.org/fact/chip"], "languages": ["en"],
     "publisher": "Example Checks", "tags": ["vaccines"]},
    {"id": "fc-garlic", "claim": "Eating garlic prevents infection with the new coronavirus.",
     "verdict": "misleading", "rebuttal": "Garlic is healthy but does not protect against it.",
     "languages": ["en"], "publisher": "Example Checks"},
    {"id": "fc-moon", "claim": "Astronauts landed on the Moon in July 1969.",
     "verdict": "true", "rebuttal": "Apollo 11 landed on 20 July 1969.", "languages": ["en"]},
    {"id": "fc-salt", "claim": "吃碘盐可以预防核辐射。", "title": "吃碘盐防辐射？不实",
     "verdict": "false", "rebuttal": "碘盐中的碘含量很低，吃盐无法预防核辐射，过量食盐反而有害健康。",
     "sources": ["https://example.org/zh/salt"], "languages": ["zh"],
     "publisher": "示例辟谣平台", "published": "2023-08-25", "tags": ["健康"]},
    {"id": "fc-banana", "claim": "香蕉和酸奶一起吃会中毒。", "verdict": "false",
     "rebuttal": "香蕉与酸奶同食不会产生毒素。", "languages": ["zh"], "publisher": "示例辟谣平台"},
    {"id": "fc-bleach", "claim": "喝消毒水可以治疗新冠肺炎。", "verdict": "false",
     "rebuttal": "饮用消毒剂会严重中毒，不能治疗任何疾病。", "languages": ["zh"],
     "publisher": "示例辟谣平台"},
    {"id": "fc-lemon", "claim": "Hot lemon water cures cancer.", "verdict": "false",
     "rebuttal": "No study shows lemon water treats cancer.", "languages": ["en"]},
    {"id": "fc-wall", "claim": "The Great Wall of China is visible from the Moon with the naked eye.",
     "verdict": "false", "rebuttal": "Astronauts report it cannot be seen from the Moon.",
     "languages": ["en"]},
    {"id": "fc-vote", "claim": "You can vote by text message in the national election.",
     "verdict": "false", "rebuttal": "No national election accepts votes by text message.",
     "languages": ["en"]},
    {"id": "fc-shark", "claim": "A photo shows a shark swimming on a flooded highway.",
     "verdict": "misleading", "rebuttal": "The image is an edited composite.",
     "languages": ["en"]},
    {"id": "fc-phone", "claim": "微信将于下月起开始收费，每条消息一毛钱。", "verdict": "false",
     "rebuttal": "微信官方表示从未有收费计划。", "languages": ["zh"]},
    {"id": "fc-egg", "claim": "超市里卖的鸡蛋是人造的假鸡蛋。", "verdict": "false",
     "rebuttal": "人造鸡蛋成本远高于真鸡蛋，市场上并不存在。", "languages": ["zh"]},
    {"id": "fc-quake", "claim": "地震局预测本周将发生八级大地震。", "verdict": "false",
     "rebuttal": "目前科学无法准确预测地震的时间和地点。", "languages": ["zh"]},
    {"id": "fc-rice", "claim": "市场上出现了用塑料做的大米。", "verdict": "false",
     "rebuttal": "塑料无法做成能煮熟的大米，检测未发现塑料米。", "languages": ["zh"]},
]

# (post, the fact-check it restates or None)
POSTS: list[tuple[str, str | None]] = [
    ("BREAKING: 5G towers are spreading the coronavirus, share before they delete this!",
     "fc-5g"),
    ("5G基站正在传播新冠病毒，赶紧转发！", "fc-5g"),
    ("新冠疫苗里有芯片，打了就会被追踪", "fc-chip"),
    ("Eating iodized salt protects you from nuclear radiation, stock up now", "fc-salt"),
    ("Never eat bananas together with yogurt, the combination is poisonous!", "fc-banana"),
    ("喝消毒水能治好新冠，大家快试试", "fc-bleach"),
    ("Lovely weather in Beijing today, we are going hiking with friends", None),
    ("今天天气很好，我们下午去公园散步吧", None),
]
