"""A small hand-written zh↔en calibration set for cross-language matching.

Fact-checks in one language and posts restating them in the other, written for this
project (no third-party text). ``claims_quality.py --fit`` fits the cross-script
score model on it; the tests use a different fixture (tests/detectors/claims/fixtures.py), so
that check stays held out.
"""

from __future__ import annotations

# (fact-check claim, its language, a post restating it in the other language)
PAIRS: list[tuple[str, str, str]] = [
    (
        "Drinking hot water every fifteen minutes flushes the virus out of your throat.",
        "en",
        "每隔十五分钟喝一次热水就能把病毒冲出喉咙",
    ),
    ("Microwave ovens make food radioactive.", "en", "微波炉加热过的食物带有放射性"),
    ("Wearing a face mask causes carbon dioxide poisoning.", "en", "戴口罩会导致二氧化碳中毒"),
    (
        "The city will spray pesticide from helicopters tonight, so stay indoors.",
        "en",
        "今晚全市要用直升机喷洒杀虫剂，大家别出门",
    ),
    ("A famous actor died in a car crash yesterday.", "en", "某著名演员昨天车祸身亡"),
    (
        "Eating instant noodles leaves wax in your stomach for a month.",
        "en",
        "吃方便面会在胃里留下蜡，一个月都排不出去",
    ),
    ("Mobile phones explode if you use them while charging.", "en", "手机边充电边玩会爆炸"),
    ("Vaccines cause autism in children.", "en", "疫苗会让孩子得自闭症"),
    (
        "The government will confiscate all gold jewellery next month.",
        "en",
        "政府下个月要没收所有黄金首饰",
    ),
    ("A new law bans cash payments from next year.", "en", "新法律规定明年起禁止使用现金支付"),
    ("Shaving makes hair grow back thicker.", "en", "剃毛以后毛发会长得更粗"),
    (
        "Sharks were seen swimming in the subway after the flood.",
        "en",
        "洪水过后有人在地铁里看到了鲨鱼",
    ),
    ("隔夜茶会致癌。", "zh", "Tea left overnight causes cancer"),
    (
        "西瓜打了针，注射了甜味剂和色素。",
        "zh",
        "Watermelons are injected with sweetener and red dye",
    ),
    ("用铁锅炒菜可以补铁治疗贫血。", "zh", "Cooking in an iron wok cures anaemia"),
    (
        "高铁上手机充电会影响列车运行。",
        "zh",
        "Charging your phone on the high-speed train interferes with the train",
    ),
    (
        "某地自来水被检出大量重金属，不能饮用。",
        "zh",
        "The tap water there is full of heavy metals and undrinkable",
    ),
    ("吃味精会导致脱发。", "zh", "Eating MSG makes your hair fall out"),
    (
        "超市的草莓都用了膨大剂，吃了会致癌。",
        "zh",
        "Supermarket strawberries are grown with swelling agents that cause cancer",
    ),
    (
        "银行卡放在手机旁边会被消磁。",
        "zh",
        "Keeping your bank card next to your phone demagnetises it",
    ),
    ("洗澡时洗头会导致中风。", "zh", "Washing your hair in the shower causes a stroke"),
    ("喝可乐能杀精。", "zh", "Drinking cola kills sperm"),
    ("小龙虾是日本人用来处理尸体的。", "zh", "Crayfish were bred in Japan to dispose of corpses"),
    (
        "明天起全国高速公路免费通行一个月。",
        "zh",
        "All national highways will be toll-free for a month starting tomorrow",
    ),
]
