"""Every red-flag rule, in English, Arabic and Urdu: it fires when said, and never when denied
or when it happened to a relative."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.concepts import RedFlag
from assistant.errors import ConfigError
from assistant.micromodels.red_flags import RedFlagScreen
from assistant.understanding import Understanding

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"

# rule id -> flag code, then per language: (positive, negated, family history)
CASES: dict[str, tuple[str, dict[str, tuple[str, str, str]]]] = {
    "chest_pain_with_radiation": (
        "cardiac_chest_pain",
        {
            "en": (
                "I have chest pain going down my left arm",
                "I have no chest pain and no pain in my arm",
                "My father had chest pain that spread to his arm",
            ),
            "ar": (
                "عندي ألم في صدري ينزل على يدي اليسار",
                "ما عندي ألم في صدري ولا في يدي",
                "أبوي كان عنده ألم في صدره ينزل على يده",
            ),
            "ur": (
                "سینے میں درد ہے جو بائیں بازو تک جاتا ہے",
                "سینے میں درد نہیں ہے اور بازو میں بھی درد نہیں",
                "میرے والد کو سینے میں درد تھا جو بازو تک جاتا تھا",
            ),
        },
    ),
    "chest_pain_with_sweating": (
        "cardiac_chest_pain",
        {
            "en": (
                "I have chest pain and I am sweating",
                "I have no chest pain and I am not sweating",
                "My brother had chest pain and sweating",
            ),
            "ar": (
                "عندي ألم في الصدر وأعرق",
                "ما عندي ألم في الصدر ولا عرق",
                "أخوي كان عنده ألم في الصدر وعرق",
            ),
            "ur": (
                "سینے میں درد ہے اور ٹھنڈے پسینے آ رہے ہیں",
                "نہ سینے میں درد ہے نہ پسینہ آ رہا ہے",
                "میرے بھائی کو سینے میں درد اور پسینہ آتا تھا",
            ),
        },
    ),
    "chest_pain_crushing": (
        "cardiac_chest_pain",
        {
            "en": (
                "It is a crushing pain in my chest",
                "No crushing chest pain",
                "My mother had crushing chest pain",
            ),
            "ar": (
                "عندي كتمة في صدري",
                "ما عندي كتمة في صدري",
                "أمي كان عندها كتمة في صدرها قبل عملية القلب من سنين",
            ),
            "ur": (
                "سینے پر بہت دباؤ ہے",
                "سینے پر دباؤ نہیں ہے",
                "میری امی کو سینے پر دباؤ محسوس ہوتا تھا",
            ),
        },
    ),
    "chest_pain_with_breathlessness": (
        "cardiac_chest_pain",
        {
            "en": (
                "I have chest pain and shortness of breath",
                "No chest pain or shortness of breath",
                "My father had chest pain and shortness of breath before his bypass years ago",
            ),
            "ar": (
                "عندي ألم في الصدر وضيق في التنفس",
                "ما عندي ألم في الصدر ولا ضيق تنفس",
                "أبوي كان عنده ألم في الصدر وضيق تنفس قبل عملية القلب من سنين",
            ),
            "ur": (
                "سینے میں درد ہے اور سانس پھول رہا ہے",
                "نہ سینے میں درد ہے نہ سانس پھولتا ہے",
                "میرے ابو کو دس سال پہلے سینے میں درد اور سانس کی تکلیف تھی",
            ),
        },
    ),
    "heart_attack_now": (
        "cardiac_chest_pain",
        {
            "en": (
                "I think I'm having a heart attack",
                "It doesn't feel like a heart attack",
                "My father thought he was having a heart attack",
            ),
            "ar": (
                "أحس إنها جلطة في القلب",
                "ما أحس إنها جلطة في القلب",
                "أبوي الله يرحمه قال وقتها إنها جلطة في القلب",
            ),
            "ur": (
                "لگتا ہے دل کا دورہ پڑ رہا ہے",
                "دل کا دورہ نہیں پڑ رہا",
                "میرے والد کو دل کا دورہ پڑا تھا",
            ),
        },
    ),
    "speech_lost_for_breath": (
        "severe_breathing_difficulty",
        {
            "en": (
                "my son is gasping for air and can't get his words out",
                "he is not gasping for air and he can talk fine, no blue lips",
                "my brother had an asthma attack years ago where he couldn't talk and his lips "
                "went blue",
            ),
            "ar": (
                "ولدي يلهث وما يقدر يتكلم وشفايفه زرقا",
                "ولدي ما يلهث ويتكلم عادي وشفايفه مو زرقا",
                "أخوي قبل سنين جاته نوبة ربو وما قدر يتكلم وصارت شفايفه زرقا",
            ),
            "ur": (
                "بیٹے کو سانس نہیں آ رہی اور بات نہیں کر پا رہا",
                "بیٹے کی سانس ٹھیک ہے، بات بھی ٹھیک کر رہا ہے، ہونٹ نیلے نہیں",
                "میرے بھائی کو برسوں پہلے دمے کا دورہ پڑا تھا، بات نہیں کر پاتا تھا اور ہونٹ "
                "نیلے ہو گئے تھے",
            ),
        },
    ),
    "stroke_face_arm_speech": (
        "stroke_signs",
        {
            "en": (
                "My face is drooping and my speech is slurred",
                "No face drooping and no slurred speech",
                "My grandmother had slurred speech and face drooping",
            ),
            "ar": (
                "وجهي مايل وكلامي ثقيل",
                "ما عندي ميلان في الوجه ولا ثقل في الكلام",
                "جدتي كان وجهها مايل وكلامها ثقيل",
            ),
            "ur": (
                "میرا منہ ٹیڑھا ہو گیا ہے اور زبان لڑکھڑا رہی ہے",
                "منہ ٹیڑھا نہیں ہے اور زبان بھی نہیں لڑکھڑا رہی",
                "میری دادی کا منہ ٹیڑھا ہو گیا تھا",
            ),
        },
    ),
    "stroke_sudden_vision": (
        "stroke_signs",
        {
            "en": (
                "Suddenly I can't see out of my right eye",
                "No sudden loss of vision",
                "My mother suddenly lost her vision",
            ),
            "ar": (
                "فجأة ما أشوف بعيني اليمين",
                "ما فقدت النظر فجأة",
                "أمي فقدت النظر فجأة",
            ),
            "ur": (
                "اچانک نظر چلی گئی ہے",
                "نظر اچانک کمزور نہیں ہوئی",
                "میری نانی کی اچانک نظر چلی گئی تھی",
            ),
        },
    ),
    "stroke_sudden_balance": (
        "stroke_signs",
        {
            "en": (
                "I suddenly lost my balance",
                "I have not suddenly lost my balance",
                "My uncle suddenly lost his balance",
            ),
            "ar": (
                "فجأة فقدت توازني",
                "ما فقدت توازني فجأة",
                "عمي فقد توازنه فجأة",
            ),
            "ur": (
                "اچانک توازن کھو دیا",
                "اچانک توازن نہیں کھویا",
                "میرے چچا کا اچانک توازن کھو گیا تھا",
            ),
        },
    ),
    "stroke_sudden_weakness": (
        "stroke_signs",
        {
            "en": (
                "My arm suddenly went weak",
                "My arm has not suddenly gone weak",
                "My aunt suddenly felt weak last year",
            ),
            "ar": (
                "فجأة صار عندي ضعف في يدي",
                "ما صار عندي ضعف فجأة",
                "عمتي صار عندها ضعف فجأة السنة الماضية",
            ),
            "ur": (
                "اچانک بازو میں کمزوری ہو گئی",
                "اچانک کوئی کمزوری نہیں ہوئی",
                "میری خالہ کو پچھلے سال اچانک کمزوری ہوئی تھی",
            ),
        },
    ),
    "stroke_sudden_numbness": (
        "stroke_signs",
        {
            "en": (
                "My hand suddenly went numb",
                "No sudden numbness",
                "My aunt had sudden numbness last year",
            ),
            "ar": (
                "فجأة صار عندي تنميل في يدي",
                "ما صار عندي تنميل فجأة",
                "عمتي صار عندها تنميل فجأة السنة الماضية",
            ),
            "ur": (
                "اچانک پاؤں سن ہو گیا",
                "اچانک کوئی سن پن نہیں ہوا",
                "میری خالہ کو پچھلے سال اچانک سن پن ہوا تھا",
            ),
        },
    ),
    "headache_worst_ever": (
        "thunderclap_headache",
        {
            "en": (
                "My headache is the worst I've ever had",
                "I don't have a headache, nothing like the worst I've ever had",
                "My uncle had the worst headache of his life last year",
            ),
            "ar": (
                "عندي صداع بحياتي ما حسيت هيك",
                "ما عندي صداع أبداً",
                "خالي كان عنده صداع بحياتي ما حس هيك السنة الماضية",
            ),
            "ur": (
                "سر میں درد ہے، ایسا پہلے کبھی نہیں ہوا",
                "سر میں کوئی درد نہیں ہے",
                "میرے ماموں کو پچھلے سال سر میں درد ہوا تھا، ایسا پہلے کبھی نہیں ہوا تھا",
            ),
        },
    ),
    "vomit_is_blood": (
        "vomiting_blood",
        {
            "en": (
                "I was sick and it was all blood",
                "I have not been sick and there was no blood",
                "My brother was sick and it was all blood last year",
            ),
            "ar": (
                "رجعت وكان كله دم",
                "ما رجعت وما في دم",
                "أخوي رجع وكان كله دم السنة الماضية",
            ),
            "ur": (
                "الٹی ہوئی اور خون ہی خون تھا",
                "الٹی نہیں ہوئی اور خون بھی نہیں",
                "میرے بھائی کو پچھلے سال الٹی ہوئی تھی اور خون ہی خون تھا",
            ),
        },
    ),
    "breathing_severe": (
        "severe_breathing_difficulty",
        {
            "en": (
                "I can't breathe",
                "I'm not struggling to breathe",
                "My sister was gasping for air",
            ),
            "ar": (
                "ما أقدر أتنفس",
                "أتنفس عادي، ما في اختناق",
                "أختي كانت تختنق",
            ),
            "ur": (
                "سانس نہیں آ رہا",
                "سانس لینے میں کوئی دشواری نہیں ہے",
                "میری بہن کا دم گھٹ رہا تھا",
            ),
        },
    ),
    "breathless_severe": (
        "severe_breathing_difficulty",
        {
            "en": (
                "My shortness of breath is really bad",
                "No shortness of breath",
                "My father's shortness of breath was really bad before he died",
            ),
            "ar": (
                "ضيق التنفس عندي شديد",
                "ما عندي ضيق تنفس",
                "أبوي الله يرحمه كان عنده ضيق تنفس شديد",
            ),
            "ur": (
                "سانس پھول رہا ہے، بہت شدید",
                "سانس نہیں پھول رہا",
                "میرے ابو کا سانس بہت شدید پھولتا تھا، وہ دمے کے مریض تھے",
            ),
        },
    ),
    "anaphylaxis_airway": (
        "anaphylaxis",
        {
            "en": (
                "My throat is closing up",
                "My throat is not swelling",
                "My cousin's tongue was swelling",
            ),
            "ar": (
                "لساني منتفخ",
                "ما في تورم في الحلق",
                "أخوي كان لسانه منتفخ",
            ),
            "ur": (
                "میری زبان سوج گئی ہے",
                "گلے میں سوجن نہیں ہے",
                "میرے بھائی کی زبان سوج گئی تھی",
            ),
        },
    ),
    "anaphylaxis_after_exposure": (
        "anaphylaxis",
        {
            "en": (
                "After eating peanuts I started wheezing",
                "After eating peanuts I did not start wheezing",
                "My brother once started wheezing after eating peanuts when he was a kid",
            ),
            "ar": (
                "بعد ما أكلت روبيان صار عندي ضيق تنفس",
                "بعد ما أكلت روبيان ما صار عندي ضيق تنفس",
                "أخوي لما كان صغير بعد ما أكل روبيان صار عنده ضيق تنفس",
            ),
            "ur": (
                "کھانے کے بعد سانس لینے میں دشواری ہو رہی ہے",
                "کھانے کے بعد سانس لینے میں کوئی دشواری نہیں",
                "میرے بھائی کو بچپن میں کھانے کے بعد سانس لینے میں دشواری ہوئی تھی",
            ),
        },
    ),
    "anaphylaxis_hives_faint": (
        "anaphylaxis",
        {
            "en": (
                "After taking the antibiotic I have hives and feel dizzy",
                "After taking the antibiotic I have no hives and no dizziness",
                "My sister had hives and felt dizzy after taking the antibiotic",
            ),
            "ar": (
                "بعد ما أخذت المضاد طلع عندي شرى وأحس بدوخة",
                "بعد ما أخذت المضاد ما طلع عندي شرى ولا دوخة",
                "أختي السنة الماضية طلع عندها شرى ودوخة بعد ما أخذت المضاد",
            ),
            "ur": (
                "دوا لینے کے بعد چھپاکی ہو گئی اور چکر آ رہے ہیں",
                "دوا لینے کے بعد نہ چھپاکی ہے نہ چکر",
                "میری بہن کو دوا لینے کے بعد چھپاکی اور چکر آئے تھے",
            ),
        },
    ),
    "vomiting_blood": (
        "vomiting_blood",
        {
            "en": ("I am vomiting blood", "I am not vomiting blood", "My uncle was vomiting blood"),
            "ar": ("أستفرغ دم", "ما أستفرغ دم", "عمي كان يستفرغ دم"),
            "ur": (
                "خون کی الٹی ہوئی ہے",
                "خون کی الٹی نہیں ہوئی",
                "میرے والد کو خون کی الٹی ہوئی تھی",
            ),
        },
    ),
    "melena_with_dizziness": (
        "gi_bleeding",
        {
            "en": (
                "I have black tarry stools and I feel dizzy",
                "No black stools and no dizziness",
                "My grandfather had black stools and dizziness",
            ),
            "ar": (
                "البراز أسود وعندي دوخة",
                "ما في براز أسود ولا دوخة",
                "جدي كان عنده براز أسود ودوخة",
            ),
            "ur": (
                "پاخانہ کالا ہے اور چکر آ رہے ہیں",
                "پاخانہ کالا نہیں ہے اور چکر بھی نہیں آتے",
                "میرے دادا کو کالا پاخانہ اور چکر آتے تھے",
            ),
        },
    ),
    "melena_with_fainting": (
        "gi_bleeding",
        {
            "en": (
                "I have black stools and I fainted",
                "No black stools and I have not fainted",
                "My grandmother had black stools and fainted",
            ),
            "ar": (
                "البراز أسود وأغمي علي",
                "ما في براز أسود وما أغمي علي",
                "جدتي كان البراز عندها أسود وأغمي عليها",
            ),
            "ur": (
                "کالا پاخانہ آیا اور میں بے ہوش ہو گیا",
                "کالا پاخانہ نہیں آیا اور بے ہوش بھی نہیں ہوا",
                "میری دادی کو کالا پاخانہ آیا اور وہ بے ہوش ہو گئی تھیں",
            ),
        },
    ),
    "suicidal_thoughts": (
        "suicide_risk",
        {
            "en": (
                "I want to kill myself",
                "I have no thoughts of suicide",
                "My brother had suicidal thoughts",
            ),
            "ar": (
                "أفكر في الانتحار",
                "ما عندي أفكار انتحارية",
                "أخوي كان عنده أفكار انتحارية",
            ),
            "ur": (
                "میں خودکشی کرنا چاہتا ہوں",
                "خودکشی کا کوئی خیال نہیں",
                "میرے بھائی کو خودکشی کے خیالات آتے تھے",
            ),
        },
    ),
    "seizure": (
        "seizure",
        {
            "en": (
                "I had a seizure this morning",
                "I have never had a seizure",
                "My sister has had epilepsy since she was a child",
            ),
            "ar": ("جاتني نوبة تشنج اليوم", "ما جاني تشنج", "أختي كان عندها تشنجات وهي صغيرة"),
            "ur": (
                "آج صبح جھٹکے لگ رہے تھے",
                "جھٹکے نہیں لگے",
                "میری بہن کو بچپن میں جھٹکے لگتے تھے",
            ),
        },
    ),
    "unconscious": (
        "unconsciousness",
        {
            "en": (
                "He is unconscious and won't wake up",
                "He is not unconscious",
                "My father lost consciousness once, years ago, after a fall",
            ),
            "ar": ("فاقد الوعي وما يصحى", "مو فاقد الوعي", "أبوي كان فاقد الوعي"),
            "ur": (
                "وہ ہوش میں نہیں آ رہا",
                "کسی کی ہوش کھونے کی بات نہیں",
                "میرے والد ہوش کھو بیٹھے تھے",
            ),
        },
    ),
    "fainted": (
        "fainting",
        {
            "en": (
                "I fainted yesterday",
                "I have not fainted",
                "My mother fainted a few times when she was younger",
            ),
            "ar": ("أغمي علي أمس", "ما أغمي علي", "أمي كان يغمى عليها وهي صغيرة"),
            "ur": (
                "میں کل بے ہوش ہو گیا تھا",
                "میں بے ہوش نہیں ہوا",
                "میری امی بے ہوش ہو گئی تھیں",
            ),
        },
    ),
    "heavy_bleeding": (
        "heavy_bleeding",
        {
            "en": (
                "I am bleeding heavily and it won't stop",
                "I am not bleeding heavily",
                "My aunt was bleeding heavily",
            ),
            "ar": ("عندي نزيف قوي", "ما عندي نزيف قوي", "خالتي كان عندها نزيف قوي"),
            "ur": (
                "بہت خون بہہ رہا ہے",
                "زیادہ خون بہنا نہیں ہے، بس معمولی",
                "میری خالہ کا بہت خون بہہ رہا تھا",
            ),
        },
    ),
    "worst_headache": (
        "thunderclap_headache",
        {
            "en": (
                "This is the worst headache of my life",
                "It is not the worst headache of my life",
                "My mother had the worst headache of her life",
            ),
            "ar": (
                "هذا أسوأ صداع في حياتي",
                "مو أسوأ صداع، صداع عادي",
                "أمي الله يرحمها جاها أسوأ صداع في حياتها قبل الجلطة",
            ),
            "ur": (
                "زندگی کا سب سے برا سر درد ہے",
                "زندگی کا سب سے برا سر درد نہیں ہے",
                "میری امی کو زندگی کا سب سے برا سر درد ہوا تھا",
            ),
        },
    ),
    "sudden_severe_headache": (
        "thunderclap_headache",
        {
            "en": (
                "I suddenly got a severe headache",
                "I don't have a sudden severe headache",
                "My sister had a sudden severe headache years ago",
            ),
            "ar": (
                "فجأة جاني صداع شديد",
                "ما عندي صداع شديد فجأة",
                "أختي قبل سنين جاها صداع شديد فجأة",
            ),
            "ur": (
                "اچانک شدید سر درد ہوا",
                "اچانک شدید سر درد نہیں ہوا",
                "میری بہن کو پچھلے سال اچانک شدید سر درد ہوا تھا",
            ),
        },
    ),
    "sudden_headache_high_score": (
        "thunderclap_headache",
        {
            "en": (
                "the headache came on suddenly, 9 out of 10",
                "no headache at all, not sudden and nothing like 9 out of 10",
                "my mother had a sudden headache of 9 out of 10 years ago",
            ),
            "ar": (
                "فجأة جاني صداع ٩ من ١٠",
                "ما عندي صداع فجأة ولا شي",
                "أمي قبل سنين جاها صداع فجأة ٩ من ١٠",
            ),
            "ur": (
                "اچانک سر میں درد شروع ہوا، دس میں سے نو",
                "اچانک سر درد نہیں ہوا",
                "امی کو پچھلے سال اچانک سر درد ہوا تھا، دس میں سے نو",
            ),
        },
    ),
    "stiff_neck_fever": (
        "meningitis_signs",
        {
            "en": (
                "I have a fever and a stiff neck",
                "No fever and no stiff neck",
                "My brother had a fever and a stiff neck",
            ),
            "ar": (
                "عندي حرارة ورقبتي متيبسة",
                "ما عندي حرارة ولا تيبس في الرقبة",
                "أخوي كان عنده حرارة وتيبس في الرقبة",
            ),
            "ur": (
                "بخار ہے اور گردن اکڑ گئی ہے",
                "نہ بخار ہے نہ گردن اکڑی ہے",
                "میرے بھائی کو بخار تھا اور گردن اکڑ گئی تھی",
            ),
        },
    ),
    "stiff_neck_headache_fever": (
        "meningitis_signs",
        {
            "en": (
                "I have a headache, a stiff neck and I feel confused",
                "No headache, no stiff neck and no confusion",
                "My cousin had a headache, a stiff neck and confusion",
            ),
            "ar": (
                "عندي صداع ورقبتي متيبسة وأحس بتشوش",
                "ما عندي صداع ولا تيبس في الرقبة ولا تشوش",
                "ولد عمي كان عنده صداع وتيبس في الرقبة وتشوش",
            ),
            "ur": (
                "سر درد ہے، گردن اکڑ گئی ہے اور ذہنی الجھن ہے",
                "نہ سر درد ہے، نہ گردن اکڑی ہے، نہ الجھن ہے",
                "میرے چچا کو سر درد، گردن اکڑ گئی اور الجھن تھی",
            ),
        },
    ),
    "rigid_abdomen": (
        "acute_abdomen",
        {
            "en": (
                "My stomach is hard as a board",
                "My belly is not rigid",
                "My father's belly was rigid",
            ),
            "ar": ("بطني قاسي ويوجعني", "بطني مو قاسي", "أبوي كان بطنه متحجر"),
            "ur": ("پیٹ سخت ہو گیا ہے", "پیٹ سخت نہیں ہے", "میرے والد کا پیٹ سخت ہو گیا تھا"),
        },
    ),
    "infant_fever": (
        "infant_fever",
        {
            "en": ("My baby has a fever", "My baby has no fever", "My baby brother had a fever"),
            "ar": (
                "ولدي الرضيع عنده حرارة",
                "ولدي الرضيع ما عنده حرارة",
                "أخوي الرضيع كان عنده حرارة",
            ),
            "ur": (
                "میرے نومولود بچے کو بخار ہے",
                "میرے نومولود بچے کو بخار نہیں ہے",
                "میرے نومولود بھائی کو بخار تھا",
            ),
        },
    ),
    "pregnancy_bleeding": (
        "pregnancy_emergency",
        {
            "en": (
                "I am pregnant and I have vaginal bleeding",
                "I am pregnant and there is no bleeding",
                "My sister had vaginal bleeding when she was pregnant two years ago",
            ),
            "ar": (
                "أنا حامل وعندي نزيف من المهبل",
                "أنا حامل وما عندي نزيف",
                "أختي لما كانت حامل قبل سنتين كان عندها نزيف من المهبل",
            ),
            "ur": (
                "میں حاملہ ہوں اور نیچے سے خون آ رہا ہے",
                "میں حاملہ ہوں اور خون نہیں آ رہا",
                "میری بہن کو پچھلے حمل میں نیچے سے خون آیا تھا",
            ),
        },
    ),
    "pregnancy_headache_warning_signs": (
        "pregnancy_emergency",
        {
            "en": (
                "I'm 34 weeks pregnant, bad headache since lunch and I keep seeing flashing lights",
                "I'm 34 weeks pregnant, no headache, my vision is fine and no swelling",
                "My sister had a headache and blurred vision in her last pregnancy",
            ),
            "ar": (
                "أنا حامل في الشهر الثامن وراسي يعورني وأشوف ومضات قدام عيوني",
                "أنا حامل في الشهر الثامن وما عندي صداع ونظري عادي",
                "أختي في حملها اللي فات كان عندها صداع وزغللة في العين",
            ),
            "ur": (
                "میں حاملہ ہوں، سر میں درد ہے اور آنکھوں کے آگے چمکیلی لکیریں آتی ہیں",
                "میں حاملہ ہوں، سر میں درد نہیں ہے اور نظر بالکل ٹھیک ہے",
                "میری بہن کو پچھلے حمل میں سر درد اور دھندلا نظر آتا تھا",
            ),
        },
    ),
    "pregnancy_vision_with_swelling": (
        "pregnancy_emergency",
        {
            "en": (
                "I'm 35 weeks pregnant, vision is blurry and my ankles are puffed up since today",
                "I'm 35 weeks pregnant, my ankles swell in the evening, my vision is fine",
                "My sister had blurred vision and swollen legs in her last pregnancy",
            ),
            "ar": (
                "أنا حامل في الشهر التاسع، نظري مغبش ورجولي منتفخة من اليوم",
                "أنا حامل في الشهر التاسع ورجولي تنتفخ آخر اليوم، بس نظري عادي",
                "أختي في حملها اللي فات كان عندها زغللة في العين ورجولها منتفخة",
            ),
            "ur": (
                "میں حاملہ ہوں، نظر دھندلی ہے اور پاؤں سوج گئے ہیں",
                "میں حاملہ ہوں، شام کو پاؤں سوج جاتے ہیں، نظر بالکل ٹھیک ہے",
                "میری بہن کو پچھلے حمل میں دھندلا نظر آتا تھا اور پاؤں سوجے تھے",
            ),
        },
    ),
    "pregnancy_fewer_movements": (
        "pregnancy_emergency",
        {
            "en": (
                "I'm 34 weeks pregnant and the baby hasn't moved since last night",
                "I'm 34 weeks pregnant, no reduced movements, baby kicking lots",
                "My sister had reduced baby movements in her last pregnancy",
            ),
            "ar": (
                "أنا حامل في الشهر الثامن ومن أمس ما حسيت بحركة البيبي",
                "أنا حامل في الشهر الثامن والبيبي يتحرك عادي، ما فيه قلة حركة الجنين",
                "أختي في حملها اللي فات كانت حركة الجنين قليلة",
            ),
            "ur": (
                "میں آٹھ مہینے کی حاملہ ہوں اور کل سے بچے کی حرکت محسوس نہیں ہو رہی",
                "میں حاملہ ہوں، بچے کی حرکت کم نہیں ہوئی، ٹھیک ہل رہا ہے",
                "میری بہن کو پچھلے حمل میں بچے کی حرکت کم ہو گئی تھی",
            ),
        },
    ),
    "pregnancy_pain_disabling": (
        "pregnancy_emergency",
        {
            "en": (
                "I'm 30 weeks pregnant and the pain in my stomach is 9/10",
                "I'm 30 weeks pregnant and have no pain in my stomach",
                "My sister was doubled over with stomach pain in her last pregnancy",
            ),
            "ar": (
                "أنا حامل في الشهر السابع ووجع بطني ٩ من ١٠",
                "أنا حامل في الشهر السابع وما عندي وجع بطن",
                "أختي في حملها اللي فات كان عندها وجع بطن ما تقدر تتحرك منه",
            ),
            "ur": (
                "میں حاملہ ہوں اور پیٹ میں درد ۱۰ میں سے ۹ ہے",
                "میں حاملہ ہوں اور پیٹ میں کوئی درد نہیں",
                "میری بہن کو پچھلے حمل میں پیٹ درد تھا، ہل نہیں سکتی تھی",
            ),
        },
    ),
    "pregnancy_pain_with_shoulder_or_faint": (
        "pregnancy_emergency",
        {
            "en": (
                "I'm 7 weeks pregnant, pain low in my belly and now my shoulder hurts",
                "I'm 7 weeks pregnant, a little pain low in my belly, no shoulder pain, no faint",
                "My sister had belly pain and shoulder pain in her pregnancy years ago",
            ),
            "ar": (
                "أنا حامل في الشهر الثاني وعندي وجع في بطني ووجع في كتفي",
                "أنا حامل في الشهر الثاني وعندي وجع خفيف في بطني، ما فيه وجع في كتفي",
                "أختي في حملها اللي فات كان عندها وجع في بطنها وكتفها",
            ),
            "ur": (
                "میں حاملہ ہوں، پیٹ میں درد ہے اور کندھے میں بھی درد ہے",
                "میں حاملہ ہوں، پیٹ میں ہلکا درد ہے، کندھے میں کوئی درد نہیں",
                "میری بہن کو پچھلے حمل میں پیٹ اور کندھے میں درد تھا",
            ),
        },
    ),
    "pregnancy_severe_pain": (
        "pregnancy_emergency",
        {
            "en": (
                "I am pregnant and have severe abdominal pain",
                "I am pregnant and have no abdominal pain",
                "My sister had severe abdominal pain in her last pregnancy",
            ),
            "ar": (
                "أنا حامل وعندي مغص شديد",
                "أنا حامل وما عندي مغص",
                "أختي كان عندها مغص شديد في حملها اللي فات",
            ),
            "ur": (
                "میں حاملہ ہوں اور پیٹ میں شدید درد ہے",
                "میں حاملہ ہوں اور پیٹ میں درد نہیں ہے",
                "میری بہن کو پچھلے حمل میں پیٹ میں شدید درد ہوا تھا",
            ),
        },
    ),
    "confusion": (
        "confusion",
        {
            "en": (
                "He is confused and talking nonsense",
                "He is not confused",
                "My grandfather was confused",
            ),
            "ar": ("هو مشوش وما يعرف وين هو", "مو مشوش", "جدي كان مشوش"),
            "ur": (
                "وہ بہکی بہکی باتیں کر رہا ہے",
                "کوئی ذہنی الجھن نہیں ہے",
                "میرے دادا کو ذہنی الجھن تھی",
            ),
        },
    ),
    "chest_pain_severe_score": (
        "cardiac_chest_pain",
        {
            "en": (
                "The pain in my chest is 9 out of 10",
                "No chest pain at all, my knee is 9 out of 10",
                "My uncle had chest pain rated 9 out of 10",
            ),
            "ar": (
                "ألم في صدري ٩ من ١٠",
                "ما عندي ألم في صدري، بس ركبتي ٩ من ١٠",
                "خالي كان عنده ألم في صدره ٩ من ١٠",
            ),
            "ur": (
                "سینے میں درد ہے، ۱۰ میں سے ۹",
                "سینے میں درد نہیں ہے، گھٹنے کا درد ۱۰ میں سے ۹ ہے",
                "میرے چچا کو سینے میں درد تھا، ۱۰ میں سے ۹",
            ),
        },
    ),
    "breathless_at_rest": (
        "severe_breathing_difficulty",
        {
            "en": (
                "I get short of breath even at rest and cannot lie flat",
                "I am not short of breath at rest",
                "My grandfather was short of breath at rest",
            ),
            "ar": (
                "عندي ضيق تنفس وأنا جالس وما أقدر أنسدح",
                "ما عندي ضيق تنفس وأنا جالس",
                "جدي كان عنده ضيق تنفس وهو جالس",
            ),
            "ur": (
                "سانس پھول رہا ہے، لیٹ بھی نہیں سکتا",
                "سانس نہیں پھولتا اور لیٹنے میں کوئی مسئلہ نہیں",
                "میرے دادا کا سانس پھولتا تھا اور وہ لیٹ نہیں سکتے تھے",
            ),
        },
    ),
    "orthopnoea": (
        "severe_breathing_difficulty",
        {
            "en": (
                "I have to prop myself up on 3 pillows to breathe at night",
                "I don't need pillows to breathe, I sleep flat",
                "My grandmother needed pillows to breathe years ago",
            ),
            "ar": (
                "ما أقدر أتنفس وأنا نايم، لازم أحط ثلاث مخدات",
                "ما عندي ضيق نفس، أنام عادي على ظهري",
                "جدتي كانت ما تقدر تتنفس وهي نايمة، لازم تحط ثلاث مخدات",
            ),
            "ur": (
                "لیٹ کر سانس نہیں آتی، تکیے لگا کر بیٹھ کر سونا پڑتا ہے",
                "لیٹنے میں سانس کا کوئی مسئلہ نہیں، سیدھا سوتا ہوں",
                "میری دادی کو لیٹ کر سانس نہیں آتی تھی",
            ),
        },
    ),
    "thick_tongue_after_exposure": (
        "anaphylaxis",
        {
            "en": (
                "ate a cake with nuts in it and now my tongue feels thick",
                "I ate prawns by mistake but my tongue is not thick and nothing is swelling",
                "my brother's tongue went thick after prawns years ago",
            ),
            "ar": (
                "أكلت كيك فيه مكسرات والحين لساني ثقيل",
                "أكلت روبيان بالغلط بس لساني مو ثقيل وما فيه أي انتفاخ",
                "أخوي قبل سنين أكل روبيان وصار لسانه ثقيل",
            ),
            "ur": (
                "مونگ پھلی والا بسکٹ کھانے کے بعد زبان موٹی لگ رہی ہے",
                "غلطی سے جھینگے کھا لیے لیکن زبان موٹی نہیں لگ رہی اور کوئی سوجن نہیں",
                "میرے بھائی کی زبان برسوں پہلے جھینگے کھانے کے بعد موٹی ہو گئی تھی",
            ),
        },
    ),
    "swelling_with_breathing": (
        "anaphylaxis",
        {
            "en": (
                "my lips are huge and I'm struggling to breathe",
                "no swelling of my lips and no trouble breathing",
                "my sister's lips swelled up and she couldn't breathe, years ago",
            ),
            "ar": (
                "وجهي كله انتفخ وصرت أكتم",
                "ما في انتفاخ في وجهي وما عندي ضيق نفس",
                "أختي زمان وجهها انتفخ وصارت ما تقدر تتنفس",
            ),
            "ur": (
                "ہونٹ سوج گئے ہیں اور سانس لینا مشکل ہو رہا ہے",
                "ہونٹ نہیں سوجے اور سانس بھی ٹھیک ہے",
                "میری بہن کے ہونٹ سوج گئے تھے اور سانس لینا مشکل تھا",
            ),
        },
    ),
    # Iron turns stools black: the iron rule holds back plain black stools, not tarry ones.
    "black_tarry_stools": (
        "gi_bleeding",
        {
            "en": (
                "I'm on iron tablets but my stools are black and sticky like tar",
                "I'm on iron tablets, my stools are black but not sticky",
                "My father was on iron tablets and his stools were black and sticky last year",
            ),
            "ar": (
                "آخذ حبوب الحديد والبراز أسود ولزج",
                "آخذ حبوب الحديد والبراز أسود بس مو لزج",
                "أبوي كان ياخذ حبوب الحديد وكان برازه أسود ولزج",
            ),
            "ur": (
                "آئرن کی گولیاں لے رہی ہوں اور پاخانہ کالا اور چپچپا ہے",
                "آئرن کی گولیاں لے رہی ہوں، پاخانہ کالا ہے مگر چپچپا نہیں",
                "ابو آئرن کی گولیاں لیتے تھے اور ان کا پاخانہ کالا اور چپچپا تھا",
            ),
        },
    ),
    "black_stools": (
        "gi_bleeding",
        {
            "en": (
                "My stools have been black like tar since Monday",
                "My stools are not black",
                "My father used to have black tarry stools",
            ),
            "ar": (
                "البراز عندي أسود مثل الزفت",
                "البراز مو أسود",
                "أبوي كان برازه أسود",
            ),
            "ur": (
                "پاخانہ کالے رنگ کا آ رہا ہے",
                "پاخانہ کالا نہیں ہے",
                "میرے والد کو کالا پاخانہ آتا تھا",
            ),
        },
    ),
    "bleeding_not_stopping": (
        "heavy_bleeding",
        {
            "en": (
                "My nose is bleeding and it won't stop",
                "My nose was bleeding but it has stopped, no bleeding now",
                "My brother's nosebleeds wouldn't stop when he was a boy",
            ),
            "ar": (
                "الجرح ينزف والدم ما يوقف",
                "ما في نزيف",
                "أخوي كان ينزف من خشمه",
            ),
            "ur": (
                "ناک سے خون آ رہا ہے اور رک نہیں رہا",
                "خون نہیں آ رہا",
                "میرے بھائی کی ناک سے خون آتا تھا",
            ),
        },
    ),
    "fever_light_sensitivity": (
        "meningitis_signs",
        {
            "en": (
                "I have a fever and bright light hurts my eyes",
                "No fever and light does not bother me",
                "My sister had a fever and was sensitive to light",
            ),
            "ar": (
                "عندي حرارة والنور يوجع عيوني",
                "ما عندي حرارة ولا حساسية من الضوء",
                "أختي كان عندها حرارة وحساسية من الضوء",
            ),
            "ur": (
                "بخار ہے اور روشنی سے تکلیف ہوتی ہے",
                "نہ بخار ہے نہ روشنی سے تکلیف",
                "میری بہن کو بخار تھا اور روشنی سے تکلیف ہوتی تھی",
            ),
        },
    ),
    "non_blanching_rash": (
        "meningitis_signs",
        {
            "en": (
                "There are purple spots on his legs that don't fade when pressed",
                "There are no purple spots",
                "My cousin had a purple rash as a child",
            ),
            "ar": (
                "طلعت عنده بقع بنفسجية على رجله",
                "ما في بقع بنفسجية",
                "ولد عمي كان عنده طفح بنفسجي",
            ),
            "ur": (
                "ٹانگوں پر جامنی دھبے ہیں",
                "کوئی جامنی دھبے نہیں ہیں",
                "میرے چچا کو جامنی دھبے تھے",
            ),
        },
    ),
    "abdominal_pain_immobile": (
        "acute_abdomen",
        {
            "en": (
                "My stomach pain is so bad I can't stand up straight",
                "No stomach pain, I can walk fine",
                "My mother had stomach pain so bad she couldn't walk",
            ),
            "ar": (
                "بطني يوجعني لدرجة ما أقدر أتحرك",
                "ما عندي وجع بطن",
                "أمي كان عندها وجع بطن ما تقدر تتحرك منه",
            ),
            "ur": (
                "پیٹ میں درد ہے، ہل بھی نہیں سکتا",
                "پیٹ میں کوئی درد نہیں ہے",
                "میری امی کو پیٹ میں درد تھا",
            ),
        },
    ),
}


def _flags(u: Understanding, text: str, lang: str) -> list[RedFlag]:
    analysis, _ = u.analyze(text, lang)  # type: ignore[arg-type]
    return analysis.red_flags


PARAMS = [
    (rule, flag, lang, texts)
    for rule, (flag, by_lang) in CASES.items()
    for lang, texts in by_lang.items()
]
IDS = [f"{rule}-{lang}" for rule, _, lang, _ in PARAMS]


def test_every_rule_in_the_table_is_covered_in_three_languages(
    understanding: Understanding,
) -> None:
    rule_ids = {r.id for r in understanding.fleet.red_flags._rules.rules}
    assert rule_ids == set(CASES)
    assert all(set(by_lang) == {"en", "ar", "ur"} for _, by_lang in CASES.values())


@pytest.mark.parametrize(("rule", "flag", "lang", "texts"), PARAMS, ids=IDS)
def test_positive_fires(
    understanding: Understanding, rule: str, flag: str, lang: str, texts: tuple[str, str, str]
) -> None:
    flags = _flags(understanding, texts[0], lang)
    assert flag in {f.code for f in flags}, f"{rule} did not fire for {texts[0]!r}"
    fired = next(f for f in flags if f.code == flag)
    assert fired.evidence, "a red flag quotes the patient's words"
    assert all(piece in texts[0] for piece in fired.evidence.split(" … "))


@pytest.mark.parametrize(("rule", "flag", "lang", "texts"), PARAMS, ids=IDS)
def test_negated_does_not_fire(
    understanding: Understanding, rule: str, flag: str, lang: str, texts: tuple[str, str, str]
) -> None:
    assert flag not in {f.code for f in _flags(understanding, texts[1], lang)}


@pytest.mark.parametrize(("rule", "flag", "lang", "texts"), PARAMS, ids=IDS)
def test_family_history_does_not_fire(
    understanding: Understanding, rule: str, flag: str, lang: str, texts: tuple[str, str, str]
) -> None:
    assert flag not in {f.code for f in _flags(understanding, texts[2], lang)}


# Cue families beyond the one phrase per rule above: the usual ways patients and the people
# with them say it, each with a denied and a relative's-history form that must stay silent.
# (flag, language, positive, negated, family history); Roman Urdu runs as "ur".
CUE_FAMILIES: list[tuple[str, str, str, str, str]] = [
    (
        "confusion",
        "en",
        "Since this morning my grandmother doesn't recognise any of us",
        "She is not confused, she knows where she is",
        "My grandmother had dementia and was confused for years before she died",
    ),
    (
        "confusion",
        "ar",
        "أبوي من الصبح يخربط في الكلام وما يعرفنا",
        "ما عنده لخبطة، يعرف وين هو",
        "جدي الله يرحمه كان عنده زهايمر وكان ما يعرف أحد",
    ),
    (
        "confusion",
        "ur",
        "نانی صبح سے الٹی سیدھی باتیں کر رہی ہیں",
        "کوئی الجھن نہیں، سب کو پہچانتی ہیں",
        "میرے دادا بڑھاپے میں کسی کو نہیں پہچانتے تھے",
    ),
    (
        "confusion",
        "ur",
        "abbu aaj subah se ulti seedhi baatein kar rahe hain",
        "koi uljhan nahi hai",
        "mere dada budhape mein ajeeb baatein karte thay",
    ),
    (
        "suicide_risk",
        "en",
        "Some days I think there is no point living any more",
        "I have never thought about ending my life",
        "My uncle took his own life when I was young",
    ),
    (
        "suicide_risk",
        "ar",
        "تعبت وأفكر أبلع كل حبوبي",
        "عمري ما فكرت أنتحر",
        "خالي انتحر قبل سنين",
    ),
    (
        "suicide_risk",
        "ur",
        "دل کرتا ہے خود کو ختم کر دوں",
        "خودکشی کا کبھی نہیں سوچا",
        "میرے ماموں نے کئی سال پہلے خودکشی کی تھی",
    ),
    (
        "suicide_risk",
        "ur",
        "zindagi se tang aa gaya hoon, sab khatam kar doon",
        "khudkushi ka kabhi nahi socha",
        "mere mamu ne saalon pehle khudkushi ki thi",
    ),
    (
        "suicide_risk",
        "en",
        "If this goes on I will kill myself",
        "I would never kill myself",
        "My cousin killed himself years ago",
    ),
    (
        "stroke_signs",
        "en",
        "Since an hour ago my dad can't lift his left arm",
        "I can lift my arm fine, no weakness",
        "My dad had a weak arm after his stroke years ago",
    ),
    (
        "stroke_signs",
        "ar",
        "أمي الحين فمها مايل وما تقدر ترفع يدها",
        "فمي مو مايل وأقدر أرفع يدي",
        "جدتي كان فمها مايل بعد الجلطة",
    ),
    (
        "stroke_signs",
        "ur",
        "ابو کا منہ اچانک ایک طرف کو ٹیڑھا ہو گیا ہے، آج صبح سے",
        "منہ بالکل ٹیڑھا نہیں ہے",
        "دادا کا منہ فالج کے بعد ٹیڑھا ہو گیا تھا",
    ),
    (
        "stroke_signs",
        "ur",
        "ammi ka munh ek taraf terha ho gaya hai aaj subah se",
        "munh terha nahi hai",
        "dada ka munh falij ke baad terha ho gaya tha",
    ),
    (
        "anaphylaxis",
        "ar",
        "بعد ما كليت ربيان حلقي يضيق",
        "حلقي ما يضيق",
        "أخوي كان حلقه يضيق من الربيان",
    ),
    (
        "anaphylaxis",
        "ur",
        "مونگ پھلی کھائی تھی اور اب گلا بند ہو رہا ہے",
        "گلا بند نہیں ہو رہا",
        "میری بہن کا گلا مونگ پھلی سے بند ہو جاتا تھا",
    ),
    (
        "anaphylaxis",
        "ur",
        "jhinga khaya aur ab gala band ho raha hai",
        "gala band nahi ho raha",
        "meri behan ka gala jhingay se band ho jata tha",
    ),
    (
        "heavy_bleeding",
        "en",
        "I'm changing a pad every hour",
        "My periods are normal, no heavy bleeding",
        "My mother had heavy bleeding before her hysterectomy",
    ),
    (
        "heavy_bleeding",
        "ar",
        "أغير الفوطة كل ساعة من الصبح",
        "ما في نزيف قوي",
        "أمي كان عندها نزيف قوي",
    ),
    (
        "heavy_bleeding",
        "ur",
        "کل سے ہر گھنٹے پیڈ بدلنا پڑ رہا ہے",
        "بہت زیادہ خون نہیں آ رہا",
        "میری امی کو بہت زیادہ خون آتا تھا",
    ),
    (
        "heavy_bleeding",
        "ur",
        "har ghante pad change karna par raha hai",
        "bohat khoon nahi aa raha",
        "meri ammi ko bohat khoon aata tha",
    ),
    (
        "thunderclap_headache",
        "en",
        "I've never had a headache like this, it came on in a second",
        "No headache",
        "My aunt had the worst headache of her life before her bleed",
    ),
    (
        "thunderclap_headache",
        "ar",
        "جاني صداع ما جاني مثله أبد",
        "ما عندي صداع",
        "عمتي كان عندها أسوأ صداع في حياتها",
    ),
    (
        "thunderclap_headache",
        "ur",
        "ایسا سر درد کبھی نہیں ہوا جیسا آج ہے",
        "سر درد نہیں ہے",
        "میری خالہ کو زندگی کا سب سے برا سر درد ہوا تھا",
    ),
    (
        "fainting",
        "ar",
        "أبوي الحين طاح وأغمى عليه",
        "ما أغمي علي",
        "أبوي كان يغمى عليه وهو صغير",
    ),
    (
        "severe_breathing_difficulty",
        "ar",
        "عندي ربو ومب قادر آخذ نفسي، وما أقدر أكمل كلمتين على بعض",
        "ما عندي ضيق تنفس",
        "أبوي كان عنده ربو ومب قادر ياخذ نفسه",
    ),
    (
        "suicide_risk",
        "ur",
        "kabhi kabhi lagta hai khud ko khatam kar loon",
        "khud ko khatam karne ka koi khayal nahi",
        "mere chacha ne khud ko khatam kar liya tha",
    ),
    (
        "stroke_signs",
        "ur",
        "ammi ka mun achanak ek taraf ko latak gaya hai aur zabaan larkhara rahi hai",
        "zabaan larkhara nahi rahi",
        "nani ki zabaan falij ke baad larkhara gayi thi",
    ),
    (
        "suicide_risk",
        "ar",
        "من فترة وأنا أفكر إني أخلص على عمري",
        "ما أفكر أخلص على عمري",
        "خالي كان يفكر يخلص على عمره",
    ),
    (
        "suicide_risk",
        "ar",
        "أفكر في إنهاء حياتي منذ أسبوعين",
        "لا أفكر في إنهاء حياتي",
        "خالي حاول إنهاء حياته قبل سنين",
    ),
]
CUE_IDS = [f"{flag}-{lang}-{i}" for i, (flag, lang, *_rest) in enumerate(CUE_FAMILIES)]


@pytest.mark.parametrize(
    ("flag", "lang", "positive", "negated", "family"), CUE_FAMILIES, ids=CUE_IDS
)
def test_cue_family_fires_and_stays_silent_when_denied_or_family(
    understanding: Understanding, flag: str, lang: str, positive: str, negated: str, family: str
) -> None:
    assert flag in {f.code for f in _flags(understanding, positive, lang)}, positive
    assert flag not in {f.code for f in _flags(understanding, negated, lang)}, negated
    assert flag not in {f.code for f in _flags(understanding, family, lang)}, family


# A relative's fainting now, denied, and long ago, per cohort.
CAREGIVER_CASES = [
    (
        "en",
        "My father just fainted in the waiting room",
        "My father did not faint",
        "My father fainted once years ago",
    ),
    ("ar", "أبوي طاح وأغمى عليه فجأة", "أبوي ما أغمى عليه", "أبوي أغمى عليه مرة قبل سنين"),
    (
        "ur",
        "میرے ابو ابھی بے ہوش ہو گئے",
        "میرے ابو بے ہوش نہیں ہوئے",
        "میرے ابو کئی سال پہلے ایک بار بے ہوش ہوئے تھے",
    ),
    (
        "ur-Latn",
        "abbu ek dam se behosh ho gaye",
        "abbu behosh nahi huay",
        "abbu saal pehle behosh huay thay",
    ),
]


@pytest.mark.parametrize(("lang", "now", "denied", "long_ago"), CAREGIVER_CASES)
def test_an_emergency_happening_now_to_someone_else_still_counts(
    understanding: Understanding, lang: str, now: str, denied: str, long_ago: str
) -> None:
    """A relative bringing the patient in speaks of them in the third person."""
    language = "ur" if lang == "ur-Latn" else lang
    assert "fainting" in {f.code for f in _flags(understanding, now, language)}
    assert "fainting" not in {f.code for f in _flags(understanding, denied, language)}
    assert "fainting" not in {f.code for f in _flags(understanding, long_ago, language)}


@pytest.mark.parametrize(("lang", "now", "denied", "long_ago"), CAREGIVER_CASES)
def test_a_relative_fainting_now_is_the_patients_finding(
    understanding: Understanding, lang: str, now: str, denied: str, long_ago: str
) -> None:
    """The person spoken of is the patient: the summary lists the fainting as current, while
    a relative's fainting years ago stays family history."""
    language = "ur" if lang == "ur-Latn" else lang

    def fainting(text: str) -> list[tuple[bool, str]]:
        found = understanding.analyze(text, language)[0].findings
        return [(f.present, f.context) for f in found if f.code == "fainting"]

    assert fainting(now) == [(True, "current")]
    assert (True, "current") not in fainting(denied)
    assert (True, "current") not in fainting(long_ago)


# A relative's signs told in the present, with no word of the past, a habit, a lasting
# condition or a question: a caregiver describing the person they brought, who is the patient
# (the gold data's annotation guide reads them so). The screen stops for them; the same signs
# told as the past are the family-history cases in CASES.
RELATIVE_NOW: list[tuple[str, str, str]] = [
    ("chest_pain_crushing", "ar", "أمي عندها كتمة في صدرها"),
    ("chest_pain_with_breathlessness", "en", "My father has chest pain and shortness of breath"),
    ("chest_pain_with_breathlessness", "ar", "أبوي عنده ألم في الصدر وضيق تنفس"),
    ("chest_pain_with_breathlessness", "ur", "میرے ابو کو سینے میں درد اور سانس کی تکلیف ہے"),
    ("heart_attack_now", "ar", "أبوي قال إنها جلطة في القلب"),
    ("breathless_severe", "en", "My father's shortness of breath is really bad"),
    ("breathless_severe", "ar", "أبوي عنده ضيق تنفس شديد"),
    ("breathless_severe", "ur", "میرے ابو کا سانس پھولتا ہے، بہت شدید"),
    ("anaphylaxis_after_exposure", "en", "My brother started wheezing after eating peanuts"),
    ("anaphylaxis_after_exposure", "ar", "أخوي بعد ما أكل روبيان صار عنده ضيق تنفس"),
    ("anaphylaxis_after_exposure", "ur", "میرے بھائی کو کھانے کے بعد سانس لینے میں دشواری ہوئی"),
    ("anaphylaxis_hives_faint", "ar", "أختي طلع عندها شرى ودوخة بعد ما أخذت المضاد"),
    ("seizure", "en", "My sister has seizures"),
    ("seizure", "ar", "أختي عندها تشنجات"),
    ("seizure", "ur", "میری بہن کو جھٹکے لگتے ہیں"),
    ("unconscious", "en", "My father lost consciousness"),
    ("fainted", "en", "My mother fainted"),
    ("fainted", "ar", "أمي أغمي عليها"),
    ("worst_headache", "ar", "أمي جاها أسوأ صداع في حياتها"),
    ("sudden_severe_headache", "ur", "میری بہن کو اچانک شدید سر درد ہوا"),
    ("pregnancy_bleeding", "en", "My sister is pregnant and has vaginal bleeding"),
    ("pregnancy_bleeding", "ar", "أختي حامل وعندها نزيف من المهبل"),
    ("pregnancy_bleeding", "ur", "میری بہن حاملہ ہے اور اسے نیچے سے خون آ رہا ہے"),
    ("pregnancy_severe_pain", "en", "My sister is pregnant and has severe abdominal pain"),
    ("pregnancy_severe_pain", "ar", "أختي حامل وعندها مغص شديد"),
    ("pregnancy_severe_pain", "ur", "میری بہن حاملہ ہے اور اس کے پیٹ میں شدید درد ہے"),
    (
        "stroke_face_arm_speech",
        "en",
        "my uncle's mouth went crooked and his words are coming out mushy",
    ),
    ("stroke_face_arm_speech", "ar", "عمي فمه معوج وكلامه مو واضح"),
    ("stroke_face_arm_speech", "ur", "ابو کا منہ ٹیڑھا ہو گیا ہے اور بول نہیں پا رہے"),
    ("stroke_face_arm_speech", "ur", "abbu ka munh terha ho gaya hai aur bol nahi pa rahe"),
]


@pytest.mark.parametrize(("rule", "lang", "text"), RELATIVE_NOW)
def test_a_relatives_signs_told_in_the_present_stop_the_interview(
    understanding: Understanding, rule: str, lang: str, text: str
) -> None:
    flag = CASES[rule][0]
    analysis = understanding.analyze(text, lang)[0]
    assert flag in {f.code for f in analysis.red_flags}
    # The signs become the patient's; a diagnosis the relative names ("a heart attack") is
    # kept as said.
    signs = [f for f in analysis.findings if f.code != "heart_attack"]
    if rule != "heart_attack_now":
        assert signs
    assert not [f for f in signs if f.present and f.context == "family"]


# The same relative's signs with a word of the past, or after the speaker turns to themselves.
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "my uncle's mouth was crooked and his words were mushy after his stroke"),
        ("en", "My mother fainted, and I have had a cough for a week"),
        ("ar", "عمي كان فمه معوج وكلامه مو واضح بعد الجلطة، وأنا عندي كحة"),
        ("ar", "أختي صارت عندها جلطة ونص جسمها انشل السنة الفاتت، وآني هسه عندي كحة"),
        ("ur", "ابو کا منہ ٹیڑھا ہو گیا تھا جب انہیں فالج ہوا تھا۔ مجھے کھانسی ہے"),
        ("ur", "abbu ka munh terha ho gaya tha jab unhein falij hua tha. mujhe khansi hai"),
    ],
)
def test_a_relatives_signs_told_as_the_past_stay_family_history(
    understanding: Understanding, lang: str, text: str
) -> None:
    assert _flags(understanding, text, lang) == []


def test_a_relatives_chronic_illness_stays_family_history_beside_an_acute_word(
    understanding: Understanding,
) -> None:
    analysis = understanding.analyze(
        "My father has diabetes. Suddenly this morning I feel dizzy", "en"
    )[0]
    assert {(f.code, f.context) for f in analysis.findings} >= {
        ("diabetes", "family"),
        ("dizziness", "current"),
    }


@pytest.mark.parametrize(
    ("lang", "text", "flag", "named", "was"),
    [
        # Vomit that is blood is recorded as vomiting blood.
        (
            "en",
            "He's been sick into the bucket and it's bright red blood, loads of it",
            "vomiting_blood",
            "vomiting_blood",
            "vomiting",
        ),
        (
            "ur",
            "ابھی الٹی کی تو اس میں تازہ خون تھا، کافی سارا",
            "vomiting_blood",
            "vomiting_blood",
            "vomiting",
        ),
        (
            "ur",
            "abhi ulti ki to poori khoon wali thi",
            "vomiting_blood",
            "vomiting_blood",
            "vomiting",
        ),
        # A thick tongue after an allergen is a swelling tongue, not slurred speech.
        (
            "en",
            "ate a biscuit with peanuts in it and now my tongue feels thick",
            "anaphylaxis",
            "facial_swelling",
            "slurred_speech",
        ),
        (
            "ar",
            "أكلت روبيان وأنا عندي حساسية منه، والحين لساني ثقيل",
            "anaphylaxis",
            "facial_swelling",
            "slurred_speech",
        ),
        (
            "ur",
            "جھینگے کھانے کے بعد اب زبان موٹی لگ رہی ہے",
            "anaphylaxis",
            "facial_swelling",
            "slurred_speech",
        ),
        (
            "ur",
            "bhir ne kaata aur ab zabaan moti lag rahi hai",
            "anaphylaxis",
            "facial_swelling",
            "slurred_speech",
        ),
        # A relative's bleeding in her pregnancy, happening now, is vaginal bleeding.
        (
            "en",
            "My sister is pregnant and all of a sudden there's some bleeding",
            "pregnancy_emergency",
            "vaginal_bleeding",
            "bleeding",
        ),
        (
            "ar",
            "أختي حامل وفجأة صار عندها نزيف",
            "pregnancy_emergency",
            "vaginal_bleeding",
            "bleeding",
        ),
        (
            "ur",
            "بہن حاملہ ہے، اچانک خون آنے لگا ہے",
            "pregnancy_emergency",
            "vaginal_bleeding",
            "bleeding",
        ),
    ],
)
def test_the_finding_a_rule_names_is_recorded_under_its_new_name(
    understanding: Understanding, lang: str, text: str, flag: str, named: str, was: str
) -> None:
    analysis, _ = understanding.analyze(text, lang)
    assert [f.code for f in analysis.red_flags] == [flag]
    codes = {f.code for f in analysis.findings if f.present and f.context == "current"}
    assert named in codes
    assert was not in codes


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "all of a sudden my tongue feels thick and my left hand is weak"),
        ("ar", "فجأة لساني ثقيل وما أقدر أرفع يدي اليسار"),
        ("ur", "اچانک زبان موٹی لگ رہی ہے اور بایاں ہاتھ کمزور ہے"),
        # After a meal, but beside a drooping mouth: a stroke's thick tongue.
        ("ar", "من بعد الغدا لسانها ثقيل وفمها معوج على اليسار"),
    ],
)
def test_a_thick_tongue_with_no_allergen_is_slurred_speech(
    understanding: Understanding, lang: str, text: str
) -> None:
    analysis, _ = understanding.analyze(text, lang)
    codes = [f.code for f in analysis.red_flags]
    assert "stroke_signs" in codes
    assert "anaphylaxis" not in codes
    assert "slurred_speech" in {f.code for f in analysis.findings if f.present}


def test_vomit_without_blood_stays_vomiting(understanding: Understanding) -> None:
    analysis, _ = understanding.analyze("2 baar ulti hui lekin us mein khoon nahi tha", "ur")
    assert analysis.red_flags == []
    # The vomiting stays vomiting; the blood the patient denies is denied in the vomit.
    assert [(f.code, f.present) for f in analysis.findings] == [
        ("vomiting", True),
        ("vomiting_blood", False),
    ]


def test_a_rule_may_only_name_its_own_findings_as_known_concepts(tmp_path: Path) -> None:
    kb = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, kb)
    path = kb / "red_flags.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("names: {vomiting: vomiting_blood}", "names: {vomiting: bloody_vomit}"),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="names: unknown concept 'bloody_vomit'"):
        RedFlagScreen(kb)
    path.write_text(
        text.replace("names: {vomiting: vomiting_blood}", "names: {cough: vomiting_blood}"),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="names"):
        RedFlagScreen(kb)


def test_a_rules_exceptions_must_be_known_symbols(tmp_path: Path) -> None:
    kb = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, kb)
    path = kb / "red_flags.yaml"
    text = path.read_text(encoding="utf-8")
    assert "none: [facial_droop," in text
    path.write_text(text.replace("none: [facial_droop,", "none: [droopy_face,"), encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown symbol 'droopy_face'"):
        RedFlagScreen(kb)


@pytest.mark.parametrize(
    ("lang", "habit", "now"),
    [
        (
            "ur",
            "مونگ پھلی کھانے سے میرے ہونٹ سوج جاتے ہیں، دواؤں سے کوئی الرجی نہیں",
            "مجھے جھینگے سے الرجی ہے، غلطی سے کھا لیے، اب زبان موٹی ہو رہی ہے",
        ),
        (
            "en",
            "Aspirin makes my lips swell up so I avoid it",
            "I'm allergic to peanuts, I just ate some satay and my lips are swelling now",
        ),
    ],
)
def test_what_a_substance_does_is_an_allergy_what_it_does_now_is_an_emergency(
    understanding: Understanding, lang: str, habit: str, now: str
) -> None:
    habitual, _ = understanding.analyze(habit, lang)
    assert habitual.allergies and habitual.red_flags == []
    acute, _ = understanding.analyze(now, lang)
    assert "anaphylaxis" in {f.code for f in acute.red_flags}


@pytest.mark.parametrize(
    ("lang", "past", "now", "flag"),
    [
        (
            "en",
            "I had one seizure after a head injury back in 2009, nothing since",
            "I had a seizure this morning, my first one",
            "seizure",
        ),
        (
            "ar",
            "أغمي علي مرة في طابور المدرسة من الحر، من زمان، ومن بعدها ما صار شي",
            "أغمي علي اليوم في طابور المدرسة من الحر",
            "fainting",
        ),
        (
            "ur",
            "2015 me garmi ki wajah se ek baar behosh hui thi, uske baad kabhi nahi hua",
            "aaj garmi ki wajah se behosh ho gayi",
            "fainting",
        ),
    ],
)
def test_nothing_since_places_the_event_before_the_commas_in_the_past(
    understanding: Understanding, lang: str, past: str, now: str, flag: str
) -> None:
    assert flag not in {f.code for f in _flags(understanding, past, lang)}
    assert flag in {f.code for f in _flags(understanding, now, lang)}


@pytest.mark.parametrize(
    ("lang", "fine", "breathless"),
    [
        (
            "ar",
            "أنهج شوي وأنا أطلع الدرج، بس وأنا قاعد عادي ما فيني شي",
            "ضيق في التنفس حتى وأنا قاعد",
        ),
        (
            "ar",
            "ألهث قليلاً عندما أصعد الدرج، لكن وأنا جالس أتنفس بشكل طبيعي",
            "ألهث حتى وأنا جالس",
        ),
        (
            "en",
            "a little out of breath on the stairs, fine sitting down",
            "I get short of breath even at rest",
        ),
    ],
)
def test_fine_at_rest_is_not_breathless_at_rest(
    understanding: Understanding, lang: str, fine: str, breathless: str
) -> None:
    assert _flags(understanding, fine, lang) == []
    assert "severe_breathing_difficulty" in {
        f.code for f in _flags(understanding, breathless, lang)
    }


def test_over_commas_must_be_true_or_false(tmp_path: Path) -> None:
    kb = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, kb)
    path = kb / "en" / "negation.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("over_commas: true", "over_commas: 3", 1),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="over_commas must be true or false"):
        Understanding(kb)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("not_after_own_turn: true", "not_after_own_turn: 3"),
        # Only an anaphor, which needs an earlier trigger, can refer to something else.
        (
            "    requires_earlier: FAMILY\n    not_after_own_turn: true",
            "    not_after_own_turn: true",
        ),
    ],
)
def test_not_after_own_turn_must_be_true_or_false_on_an_anaphor(
    tmp_path: Path, old: str, new: str
) -> None:
    kb = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, kb)
    path = kb / "en" / "negation.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError, match="not_after_own_turn must be true or false"):
        Understanding(kb)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("    speaker: true\n", "    speaker: 1\n"),
        ("  - category: HISTORICAL\n", "  - category: HISTORICAL\n    speaker: true\n"),
    ],
)
def test_speaker_must_be_true_or_false_on_a_terminator(tmp_path: Path, old: str, new: str) -> None:
    kb = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, kb)
    path = kb / "en" / "negation.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError, match="speaker must be true or false, on TERMINATE"):
        Understanding(kb)


@pytest.mark.parametrize(
    ("lang", "text", "flag"),
    [
        # A farewell letter "to my family" does not make the suicidal thoughts the family's.
        ("ar", "أفكر في الانتحار كل يوم وكتبت رسالة وداع لأهلي", "suicide_risk"),
        # Iraqi: گ for ق, "ما يكدر" for "cannot".
        (
            "ar",
            "ابني هسه ما يكدر يتنفس ولا يكمّل جملة، وشفايفه صايرة زرگ",
            "severe_breathing_difficulty",
        ),
        (
            "ur",
            "beta ek jumla bhi poora nahi bol pa raha, pasliyan andar ja rahi hain",
            "severe_breathing_difficulty",
        ),
        # Wordings of blind round 9 that the rules missed, written anew.
        (
            "en",
            "everyone would be better off without me, tonight I counted my pills",
            "suicide_risk",
        ),
        ("ar", "جدي فجأة طاح في المجلس وغاب عن الدنيا دقيقتين", "fainting"),
        ("ar", "من الفجر وأنا أزوع دم", "vomiting_blood"),
        ("ar", "ما بدي شي من هالدنيا، إذا متت بيرتاحوا مني", "suicide_risk"),
        ("ur", "ابھی ابو باتھ روم میں گرے اور کچھ دیر ہوش ہی نہیں رہا", "fainting"),
        (
            "ur",
            "machli khai thi, ab hont phool gaye hain aur gale mein kuch atka hua hai",
            "anaphylaxis",
        ),
        (
            "ur",
            "achanak sar mein aisa dard jaise sar phat jayega, kabhi nai hua aisa",
            "thunderclap_headache",
        ),
        ("ur", "abhi ammi gir gayin aur thori der hosh hi nahi tha", "fainting"),
        # Wordings of blind round 10 that the rules missed, written anew.
        ("en", "at night I think to jump from the roof and finish it all", "suicide_risk"),
        ("ar", "أحس إن الكل بيرتاحون لو أنا مو موجود", "suicide_risk"),
        ("ar", "جوزي وقع في الصالة وراح مننا دقيقتين", "fainting"),
        ("ur", "abbu ki zuban larkhra rahi hai aur munh terha ho gaya", "stroke_signs"),
        # A relative's emergency told now by a caregiver (development misses, written anew).
        ("ar", "أبوي قبل ساعة طاح وصار يرجف كله", "seizure"),
        ("ur", "meri behen ko 103 bukhar hai aur gardan akri hui hai", "meningitis_signs"),
        (
            "en",
            "pls help my grandad cant lift his arm and his words are all mixed up",
            "stroke_signs",
        ),
        # Blind round 11, written anew.
        (
            "en",
            "all of a sudden my mouth went crooked and my words are coming out mushy",
            "stroke_signs",
        ),
        (
            "en",
            "ate prawns at lunch, now my tongue feels too big and my throat is getting tight",
            "anaphylaxis",
        ),
        ("ar", "فجأة جاني أقوى وجع راس بحياتي وأنا أشيل صندوق", "thunderclap_headache"),
        ("ar", "بنتي ما تقدر تكمل جملة وتلهث وهي قاعدة", "severe_breathing_difficulty"),
        ("ur", "کل رات سوچتا رہا کہ چھت سے کود جاؤں", "suicide_risk"),
        ("ur", "sach kahun to lagta hai behtar hai main na rahun", "suicide_risk"),
        (
            "ur",
            "bete ko tez bukhar hai, gardan aage ko jhuk hi nahi rahi aur roshni chubhti hai",
            "meningitis_signs",
        ),
        # Wordings of the retired sixth held-out split that the fleet missed, written anew.
        ("en", "been cutting myself again when it all gets too much", "suicide_risk"),
        (
            "en",
            "I sleep sitting up now, if I lie flat I cant breath",
            "severe_breathing_difficulty",
        ),
        ("ar", "بنتي شفايفها صارت زركة وما تگدر تحچي", "severe_breathing_difficulty"),
        ("ar", "فجأة راسي انفجر وجع وبعمري ما شايف هيچ وجع", "thunderclap_headache"),
        ("ar", "ستي صار كلامها مش مفهوم ولسانها تقيل", "stroke_signs"),
        ("ar", "أنا حامل وعندي وجع جامد في بطني", "pregnancy_emergency"),
        ("ar", "بنتي سخنة وعليها نقط حمرا مبتروحش لما أضغط بالكوباية", "meningitis_signs"),
        ("ar", "انجرح إصبعي والدم لا يتوقف", "heavy_bleeding"),
        (
            "ur",
            "بیٹے کو بخار ہے اور جامنی دھبے ہیں جو گلاس سے دبا کر بھی غائب نہیں ہوئے",
            "meningitis_signs",
        ),
        (
            "ur",
            "abhi abba ka seedha haath utha nahi pa rahe aur bol saaf nahi rahe",
            "stroke_signs",
        ),
        ("ur", "achanak sar mein dhamaka hua, itna dard kabhi nahi hua", "thunderclap_headache"),
        # Blind round 12, written anew.
        (
            "en",
            "lifting the shopping and something exploded in the back of my head",
            "thunderclap_headache",
        ),
        ("ar", "طق شي ورا راسي كأنه انفجر، صداع ما مر علي شرواه", "thunderclap_headache"),
        (
            "ur",
            "بیٹی کو تیز بخار ہے، گردن آگے نہیں جھکاتی اور لائٹ سے آنکھیں میچ لیتی ہے",
            "meningitis_signs",
        ),
        ("ur", "kapra daba rakha hai phir bhi khoon rukne ka naam nahi le raha", "heavy_bleeding"),
        (
            "ur",
            "uthte hi aankhon ke aage andhera chha gaya aur seedha farsh pe gir gayi",
            "fainting",
        ),
        ("ur", "abbu ne abhi bohat saara khoon ulta hai", "vomiting_blood"),
        # Wordings of the seventh held-out split's and round 13's misses, written anew.
        (
            "en",
            "I'm allergic to cashews and didn't know the sauce had them, my tongue is getting fat",
            "anaphylaxis",
        ),
        (
            "en",
            "something hit the back of my head like a hammer, never had pain this bad",
            "thunderclap_headache",
        ),
        (
            "en",
            "my flatmate says he wants to cut himself tonight and won't come out",
            "suicide_risk",
        ),
        ("ar", "أخوي من الصبح يقول بدو يأذي حاله", "suicide_risk"),
        ("ar", "صحيت على أرض الحمام ولساني مجروح من العض", "seizure"),
        ("ar", "أبوي من ساعة يسولف سوالف ما لها معنى", "confusion"),
        ("ur", "ہاتھ لگاؤ تو پیٹ تختے کی طرح سخت ہے", "acute_abdomen"),
        ("ur", "میری بائیں ٹانگ اور بایاں ہاتھ اچانک بے جان ہو گئے", "stroke_signs"),
        ("ur", "ایک جملہ بولوں تو رک کر سانس لینا پڑتا ہے", "severe_breathing_difficulty"),
        (
            "ur",
            "hamare manager abhi seena pakar ke baith gaye, pasine mein bheeg gaye",
            "cardiac_chest_pain",
        ),
        ("ur", "do din se latrine tarkol jaisi kaali aa rahi hai", "gi_bleeding"),
        (
            "ur",
            "nani ko abhi ek dum se sar mein shadeed dard utha, kehti hain aisa kabhi nahi hua",
            "thunderclap_headache",
        ),
        ("ur", "mera baayan haath achanak jaan chor gaya", "stroke_signs"),
        (
            "en",
            "my dad dropped his fork, his right hand won't grip and half his mouth is sagging",
            "stroke_signs",
        ),
        (
            "en",
            "feels like someone parked a van on my chest and my shirt is soaked through with sweat",
            "cardiac_chest_pain",
        ),
        ("en", "I've worked out which bridge and when, I'm done", "suicide_risk"),
        (
            "en",
            "I'm 30 weeks pregnant and there was bright red blood when I wiped",
            "pregnancy_emergency",
        ),
        (
            "en",
            "Grandma keeps calling me by my mum's name and doesn't know it's Friday, "
            "she was fine at Thursday dinner",
            "confusion",
        ),
        ("ar", "ولدي الحين شفايفه زرق ويقول كلمة ويوقف ياخذ نفس", "severe_breathing_difficulty"),
        ("ar", "صرت أفكر كيف أخلص من نفسي", "suicide_risk"),
        ("ar", "أخوي فجأة عيونه طلعت فوق وصار يرجف ويتخشب", "seizure"),
        ("ar", "فجأة كأنو حدا ضربني بحجر على راسي من ورا", "thunderclap_headache"),
        ("ar", "أنا حامل وقمت والشرشف كله دم", "pregnancy_emergency"),
        ("ur", "سوچتا ہوں ایک رسی سے سب ختم ہو جائے", "suicide_risk"),
        ("ur", "دفتر میں کھڑے کھڑے گر گیا، کچھ دیر ہوش نہیں تھا", "fainting"),
        ("ur", "کل سے ہر گھنٹے نیا پیڈ لگانا پڑ رہا ہے", "heavy_bleeding"),
        ("ur", "میں امید سے ہوں اور کپڑے خون سے بھر گئے", "pregnancy_emergency"),
        (
            "ur",
            "bhai ne kaha chhat se kood jaunga, goliyan bhi jama kar rakhi hain",
            "suicide_risk",
        ),
        ("ur", "meri behan ummeed se hai aur abhi khoon ke lothre nikle", "pregnancy_emergency"),
        (
            "en",
            "Dad is sitting up on the sofa fighting for air, says it's like drowning",
            "severe_breathing_difficulty",
        ),
        ("ar", "ولدي أكل كيك فيه مكسرات وبعدها بشوي حلقه يسكر عليه", "anaphylaxis"),
        ("ar", "بطني صار متل الحجر ومش قادر اتحرك من التخت", "acute_abdomen"),
        ("ur", "ورزش کرتے ہوئے سر کے پیچھے ایک دم جیسے دھماکا ہوا", "thunderclap_headache"),
        (
            "ur",
            "baji ka saatwan mahina chal raha hai aur shalwar khoon se bhar gayi",
            "pregnancy_emergency",
        ),
        (
            "ur",
            "abbu seena daba ke baithe hain, kehte hain andar koi shikanja kas raha hai, "
            "thande pasine aa rahe hain",
            "cardiac_chest_pain",
        ),
        (
            "en",
            "I've been collecting sleeping pills in a drawer and plan to swallow the lot",
            "suicide_risk",
        ),
        ("en", "the back of my head exploded like a cricket bat hit it", "thunderclap_headache"),
        ("ar", "لساني معقود والكلام يطلع مكسر ويدي اليمين ثقيلة", "stroke_signs"),
        ("ar", "أحس أهلي بيرتاحون لو أنا مو موجود", "suicide_risk"),
        ("ar", "الدورة نازلة عليّ زي الحنفية من الصبح", "heavy_bleeding"),
        ("ur", "پیٹ سے ہوں اور شلوار خون سے تر ہے", "pregnancy_emergency"),
        (
            "ur",
            "ammi bartan dho rahi thi ke ek dum sar ke peeche dhamaka sa hua",
            "thunderclap_headache",
        ),
        # From the eighth held-out split and round 16, retired into development.
        ("ar", "لسعتني نحلة وهسه شفايفي منفخة وما أكدر آخذ نفس", "anaphylaxis"),
        ("ar", "أبوي من ساعة يقول صداع جه مرة واحدة وعمره ما حس بيه كذا", "thunderclap_headache"),
        ("ar", "الوجع تحت يمين بطني وما أقدر أعدل ظهري", "acute_abdomen"),
        ("ar", "صحيت على الأرض ولساني معضوض وعيوني مقلوبة", "seizure"),
        ("ar", "عرقي يصب وصدري كأن أحد قاعد عليه", "cardiac_chest_pain"),
        ("ar", "جدتي من العصر تسألني منو أنت، ما كانت كذا أبد", "confusion"),
        (
            "ur",
            "پیٹ سے ہوں اور ناف کے نیچے شدید درد ہے، سیدھی کھڑی نہیں ہو پا رہی",
            "acute_abdomen",
        ),
        ("ur", "پچھلے ہفتے حمل کا ٹیسٹ مثبت آیا، آج صبح سے خون آ رہا ہے", "pregnancy_emergency"),
        ("ur", "دادا ابو بار بار پوچھ رہے ہیں کہ ہم کس شہر میں ہیں", "confusion"),
        ("ur", "نماز میں سجدے سے اٹھا اور پھر کچھ یاد نہیں", "fainting"),
        ("ur", "Ab jeene ka koi maqsad nahi lagta, neend ki goliyan gin rahi hoon", "suicide_risk"),
        ("ur", "achanak sar phat raha hai aur ulti ho rahi hai", "thunderclap_headache"),
        (
            "ur",
            "namaz mein achanak sar phatne laga, is se bura dard kabhi nahi hua",
            "thunderclap_headache",
        ),
        ("ur", "pen haath se chhoot gaya aur taang ghaseet raha hoon", "stroke_signs"),
        ("en", "my grandad doesn't know he's in his own house tonight", "confusion"),
        ("en", "I keep saving up my pills, everyone would be lighter without me", "suicide_risk"),
        ("en", "cant lift my left arm and my face looks crooked when i smile", "stroke_signs"),
        # From round 17, retired into development.
        ("en", "i will swallow them all tonight, nobody would even notice", "suicide_risk"),
        (
            "en",
            "pregnant and there is fresh blood in my underwear since this morning",
            "pregnancy_emergency",
        ),
        ("en", "my left side has gone floppy and my words come out mushy", "stroke_signs"),
        ("ar", "غمى علي في السوق وصحيت على الأرض", "fainting"),
        ("ar", "الماي يطيح من طرف فمي وخدي اليسار نازل", "stroke_signs"),
        ("ur", "کھڑا ہوا تو دھڑام سے گرا، ہوش آیا تو فرش پر تھا", "fainting"),
        # From round 18, retired into development.
        ("ur", "Sans nai aa rai, do lafz bol ke rukna parta hai", "severe_breathing_difficulty"),
        ("ur", "aankhon ke aage andhera aya aur farsh pe gir gayi", "fainting"),
        ("en", "I keep thinking I should step off the roof of our building", "suicide_risk"),
        # From the tenth held-out split, retired into development.
        ("en", "everyone at home would be better off if I ended my life", "suicide_risk"),
        ("en", "the cut on my thumb hasn't stopped bleeding for an hour", "heavy_bleeding"),
        (
            "ar",
            "بنتي حرارتها عالية وطلع فيها نقط حمرا، ضغطت عليها بالكاسة وما راحت",
            "meningitis_signs",
        ),
        ("ar", "ولدي ما يكدر يكمل جملة من ضيق النفس", "severe_breathing_difficulty"),
        ("ar", "طحت بالدوام وصحيت وهم يرشون علي ماي", "fainting"),
        ("ar", "ضعت بالطريق اللي أمشيه كل يوم وما أعرف وش اليوم", "confusion"),
        ("ur", "بھائی پیٹ پکڑ کر فرش پر پڑا ہے، کہتا ہے درد ۱۰ میں سے ۱۰ ہے", "acute_abdomen"),
        ("ur", "حاملہ ہوں اور پیٹ کے بائیں طرف ناقابل برداشت درد ہے", "pregnancy_emergency"),
        ("ur", "chaati mein zor ka dabaao hai aur paseena aa raha hai", "cardiac_chest_pain"),
        ("ur", "ابھی کالی کافی جیسی الٹی ہوئی ہے", "vomiting_blood"),
        # From the eleventh held-out split, retired into development.
        ("ar", "لا اريد ان اعيش بعد اليوم", "suicide_risk"),
        ("ar", "أبوي طاح في المجلس وما كان يحس فينا", "unconsciousness"),
        ("ar", "أكلت بسكوت فيه فستق والحين لساني تقيل", "anaphylaxis"),
        (
            "ur",
            "let kar saans nahi aata, do lafz bolun to saans toot jati hai",
            "severe_breathing_difficulty",
        ),
        ("ur", "subah se ulti me khoon aa raha hai", "vomiting_blood"),
        ("ur", "nani aaj khoi khoi hain, mujhe bhi nahi pehchana", "confusion"),
        ("ur", "kal raat blade se apni kalai kaat li", "suicide_risk"),
        ("ur", "achanak sar ke peeche zordar dard utha", "thunderclap_headache"),
        ("en", "my dad is confused about which day it is", "confusion"),
        ("en", "i have to sleep sitting up in a chair to breathe", "severe_breathing_difficulty"),
        # A present seizure beside the child's age now is not told as the past.
        ("ar", "بنتي عندها حرارة وتشنج من ساعة، الحين عمرها ٨ شهور", "seizure"),
        ("ar", "ولدي يتشنج الحين عمره ٣ سنين", "seizure"),
        # From the twelfth held-out split, retired into development: "10 min ago" is now,
        # even of a relative told with "was"; Egyptian "مش شايلاها"; "nhi aa rhi".
        (
            "en",
            "Mum's face has gone lopsided and she can't lift her left arm, started 10 min ago",
            "stroke_signs",
        ),
        ("ar", "أمي من نص ساعة وشها مايل ورجلها اليمين مش شايلاها", "stroke_signs"),
        ("ar", "جرحت ايدي بالموس عمداً أمس", "suicide_risk"),
        (
            "ur",
            "abbu kal se bahki bahki baatein kar rahe hain aur ghar ka rasta bhool gaye",
            "confusion",
        ),
        (
            "ur",
            "inhaler le liya phir bhi saans nhi aa rhi, ek jumla pura nai bol pa rahi",
            "severe_breathing_difficulty",
        ),
        ("ar", "الوجع براسي إجا مرة وحدة متل الانفجار", "thunderclap_headache"),
        ("en", "ate satay and now my tongue feels thick", "anaphylaxis"),
        ("ar", "أبوي مو طبيعي في كلامه من الصبح", "confusion"),
        # From the thirteenth held-out split, retired into development.
        ("ar", "لسعتني نحلة وجفوني انتفخت", "anaphylaxis"),
        ("ar", "ترجعت دم الصبح", "vomiting_blood"),
        ("ar", "انا حامل وانزف دم من الصبح", "pregnancy_emergency"),
        ("ur", "دادی آج نہ تاریخ بتا پا رہی ہیں نہ یہ کہ کہاں ہیں", "confusion"),
        ("ar", "أبوي أغمي عليه الصبح وهو مراهق عمره ١٥", "fainting"),
        ("ur", "bhir ne kaata, gala band hone laga aur kuch nigal nahi sakta", "anaphylaxis"),
        ("ur", "tez bukhar hai aur gardan aage jhukti nahi", "meningitis_signs"),
        ("ar", "ولدي جاته نفضه وعيونه راحت فوق", "seizure"),
        # From the fourteenth held-out split, retired into development.
        (
            "en",
            "Grandma is 90, she gasps for air when she lies back so she sleeps in the chair",
            "severe_breathing_difficulty",
        ),
        ("en", "some nights I think to cut myself, I am so tired of everything", "suicide_risk"),
        ("en", "my uncle keeled over in the shop an hour ago, out cold for a minute", "fainting"),
        (
            "ur",
            "abba ji raat ko lait nahi sakte, lait-te hi saans ruk jati hai",
            "severe_breathing_difficulty",
        ),
        ("ur", "jhinga chakh liya tha, ab zabaan moti ho rahi hai", "anaphylaxis"),
        ("ur", "meri behen ka baccha hone wala hai aur aaj khoon aya", "pregnancy_emergency"),
        (
            "ur",
            "achanak sar mein jaise hathora laga, aisa dard kabhi zindagi mein nahi hua",
            "thunderclap_headache",
        ),
        ("ur", "bukhar hai aur gardan aagay nahi jhuka sakta", "meningitis_signs"),
        ("ar", "من امس اول ما انسدح انخنق واقوم اقعد", "severe_breathing_difficulty"),
        # From the fifteenth held-out split, retired into development.
        (
            "en",
            "my husband says its like an elephant sitting on his chest, going down his left arm",
            "cardiac_chest_pain",
        ),
        ("ar", "جدي فجأة ما قدر يرفعها يده اليمين، ورجله ما تشيله", "stroke_signs"),
        (
            "ar",
            "أنا حامل وبدي إسأل إذا فيني آخد مسكن، عندي وجع قوي كتير ببطني",
            "pregnancy_emergency",
        ),
        ("ar", "من الصبح بطني يوجعني وجع ما ينطاق وما اكدر اتحرك", "acute_abdomen"),
        ("ur", "دوا کھانے کے بعد گلا اندر سے پھولتا محسوس ہو رہا ہے", "anaphylaxis"),
        ("ur", "حمل مثبت آیا ہے، آج پیٹ میں درد اور تھوڑا سا خون بھی آیا", "pregnancy_emergency"),
        ("ur", "bhirr ne haath pe kaata aur ab aankhen aur zabaan soojne lagin", "anaphylaxis"),
        ("ur", "kal raat socha ke saari goliyan ek saath kha lun", "suicide_risk"),
        # From the sixteenth held-out split, retired into development.
        ("ar", "ولدي سخن وطلعت له نقط حمرا، ولما أضغط عليها بالكباية ما بتروح", "meningitis_signs"),
        ("ar", "فجأة إيدي وإجري الشمال صاروا تقال", "stroke_signs"),
        ("ar", "جدتي من الصبح مش عارفة إحنا فين", "confusion"),
        ("ar", "ستي نفسها ضايق وشفايفها بقت زرقا", "severe_breathing_difficulty"),
        ("ur", "اج سویرے اٹھیا تے سجا ہتھ تے سجی لت جواب دے گئے نیں", "stroke_signs"),
        ("ur", "بچے کو بخار ہے اور ابھی سارا جسم جھٹکا مارنے لگا", "seizure"),
        (
            "ur",
            "nana ji raat nu lam nahi pe sakde, seedhe lette hi saah charh janda ae",
            "severe_breathing_difficulty",
        ),
        (
            "ur",
            "bukhar hai aur daane hain, glass daba ke dekha to rang nahi gaya",
            "meningitis_signs",
        ),
        (
            "ur",
            "pet vich inna shadeed dard ae ke hil vi nahi sakda, pet patthar wangu sakht",
            "acute_abdomen",
        ),
        ("ur", "پیٹ پتھر کی طرح سخت ہو گیا ہے", "acute_abdomen"),
        # From the seventeenth held-out split.
        (
            "en",
            "Dad's gone grey and clammy and says it's like an elephant sat on his chest, "
            "creeping up into his left jaw",
            "cardiac_chest_pain",
        ),
        (
            "en",
            "my sister's expecting, third trimester, pain under her right ribs that has her "
            "doubled over",
            "pregnancy_emergency",
        ),
        (
            "en",
            "nothing stops the bleeding from the cut, soaked through two towels",
            "heavy_bleeding",
        ),
        (
            "ar",
            "بابا بيشتكي من وجع في صدره، بيقول الوجع بيمشي لحد فكه الشمال",
            "cardiac_chest_pain",
        ),
        (
            "ar",
            "لا أستطيع النوم مستلقية على ظهري لأن نفسي ينقطع، فأنام جالسة على الكرسي",
            "severe_breathing_difficulty",
        ),
        (
            "ar",
            "بنتي حرارتها عالية وطلعتلها نقاط حمر صغار، ضغطت عليها بالگلاص وما راحت",
            "meningitis_signs",
        ),
        (
            "ur",
            "ابو کہہ رہے ہیں کہ سینہ کوئی مٹھی میں بھینچ رہا ہے اور درد جبڑے تک جا رہا ہے",
            "cardiac_chest_pain",
        ),
        (
            "ur",
            "آدھا گھنٹہ پہلے اچانک سر پھٹنے لگا، کہتی ہیں اتنا شدید درد عمر بھر نہیں ہوا",
            "thunderclap_headache",
        ),
        (
            "ur",
            "aaj kal dil karta hai pul se chhalang laga doon aur sab khatam ho jaye",
            "suicide_risk",
        ),
        # From the eighteenth.
        (
            "ar",
            "ابني سخن من الصبح وطلع عنده حبوب حمرا لونها بنفسجي، "
            "جربت اضغط عليهن بكاسة زجاج وما راحوا",
            "meningitis_signs",
        ),
        (
            "ar",
            "ألم في أسفل البطن من الجهة اليمنى، "
            "والآن الألم شديد لدرجة أنني لا أستطيع المشي ولا التحرك",
            "acute_abdomen",
        ),
        ("ur", "منڈے کے ڈھڈ میں سجی طرف بہت سخت درد اے، بستر سے ہل بھی نہیں سکدا", "acute_abdomen"),
        ("ur", "ہاتھ ٹوکے سے کٹ گیا، کپڑا کس کے باندھا ہے پر خون رکدا ہی نئیں", "heavy_bleeding"),
        (
            "ur",
            "pregnancy test positive آیا تھا۔ آج پیٹ کی دائیں طرف اتنا تیز درد ہے کہ آنسو نکل آئے",
            "pregnancy_emergency",
        ),
        ("ar", "صرت كل يوم فكّر إنو أأذي حالي وإنو الكل بيرتاح إذا رحت", "suicide_risk"),
        (
            "ur",
            "walima mein ghalti se prawn wale chawal kha liye. ab zabaan moti ho rahi hai",
            "anaphylaxis",
        ),
        # From the twenty-first.
        ("en", "My nan has just fainted and is not responding", "unconsciousness"),
        ("en", "My dad fainted a minute ago and he is not in hospital now", "fainting"),
        ("ur", "Abbu abhi behosh ho gaye, hospital mein nahi hain", "fainting"),
        ("ar", "أختي حامل والحين ينزل منها دم كثير", "pregnancy_emergency"),
        (
            "en",
            "Writing for my sister, she got a sudden explosive headache while she was on the "
            "phone, says it's the worst she's ever had",
            "thunderclap_headache",
        ),
        ("ar", "سويت اختبار الكاسة والنقاط ما تختفي، وفيها حرارة", "meningitis_signs"),
        (
            "ar",
            "يشكو ألماً شديداً جداً في البطن لا يستطيع معه الحركة من السرير",
            "acute_abdomen",
        ),
        (
            "ur",
            "صبح اٹھیا تے سجا بازو تے لت بالکل ای نئیں ہل رہے، اچانک ای ہویا اے",
            "stroke_signs",
        ),
        ("ur", "ہتھ تے درانتی وج گئی اے، کپڑا دبایا ہویا اے پر لہو رکدا ای نئیں", "heavy_bleeding"),
        ("ur", "kal raat pankhe se rassi baandhne ka socha", "suicide_risk"),
        (
            "ur",
            "lait ke sanss nahi aati, 3 takiye laga ke baitha hun",
            "severe_breathing_difficulty",
        ),
        ("ur", "2 din se potti bilkul kaali taar jaisi aa rahi hai", "gi_bleeding"),
        # From the twentieth.
        ("ar", "منذ ساعتين أصبح كلامها فجأة ثقيلاً ومتلعثماً", "stroke_signs"),
        ("ar", "منذ أسبوع عادت إليّ أفكار إيذاء نفسي", "suicide_risk"),
        (
            "ar",
            "صرخت من صداع انفجر فجأة في مؤخرة رأسها، تقول إنه الأسوأ في حياتها",
            "thunderclap_headache",
        ),
        ("ur", "بازو پر بلیڈ سے کٹ لگاتی ہوں اور آج مرنے کا سوچ رہی ہوں", "suicide_risk"),
        ("ur", "بیوی پیٹ کے درد سے تڑپ رہی ہے، ذرا ہلے تو درد بڑھ جاتا ہے", "acute_abdomen"),
        ("ur", "kal raat pankhay se latakne ka soch raha tha", "suicide_risk"),
        ("ur", "ammi aaj se bilkul kho si gayi hain, din aur jagah ka pata nhi", "confusion"),
        ("ur", "meri behen ko aj dopehar daura para, munh se jhaag nikla", "seizure"),
        (
            "ur",
            "walid sahab ke pet mein itna dard hai ke bistar se hil nahi pa rahe",
            "acute_abdomen",
        ),
        # From the nineteenth.
        ("en", "some nights I think about hurting myself or just not being here", "suicide_risk"),
        ("ar", "أبوي ٦٩ سنة طاح في الحمام الصبح وفقد الوعي، صحى بعد شوي", "fainting"),
        (
            "ur",
            "درانتی ہاتھ پر لگ گئی، کپڑا دبا کے رکھا ہوا اے پر خون رک ہی نئیں رہا",
            "heavy_bleeding",
        ),
    ],
)
def test_dialect_wordings_of_an_emergency(
    understanding: Understanding, lang: str, text: str, flag: str
) -> None:
    assert flag in {f.code for f in _flags(understanding, text, lang)}


# Emergencies of the twenty-second held-out split that only resemblance (or nothing) raised:
# the phrase rules read them now, whatever the example lines hold.
@pytest.mark.parametrize(
    ("lang", "text", "flag"),
    [
        (
            "en",
            "lifting boxes and my chest just clamped down like a vice, 9/10, jaw aches too",
            "cardiac_chest_pain",
        ),
        ("ar", "وامبارح بالليل فكرت أبلع شريط البنادول كله", "suicide_risk"),
        ("ar", "جدي من الظهر يتألم بشدة في بطنه ولا يستطيع الحركة", "acute_abdomen"),
        (
            "ar",
            "استيقظ صباح اليوم وذراعه وساقه اليسريان ضعيفتان فجأة، وزاوية فمه مائلة",
            "stroke_signs",
        ),
        (
            "ar",
            "عندها حساسية من الفول السوداني وكلت كيكة فيها سوداني، وبتقول زورها بيتقفل",
            "anaphylaxis",
        ),
        (
            "ur",
            "beti ko moongphali se allergy hai, ab uske hont aur zabaan soj gaye hain aur saans "
            "lene mein taklif ho rahi hai",
            "anaphylaxis",
        ),
        ("ur", "kal raat se latrin bilkul kaali aur tar jaisi aa rahi hai", "gi_bleeding"),
        ("ur", "kal raat socha tha ke pankhe se latak jaun", "suicide_risk"),
        (
            "ur",
            "bhai ko asthma hai, abhi sans bilkul nai aa rahi, ek jumla poora nai bol pa raha",
            "severe_breathing_difficulty",
        ),
        # From the twenty-third.
        (
            "en",
            "Baby is 8 months, tiny dark spots on his tummy that don't fade",
            "meningitis_signs",
        ),
        (
            "en",
            "Writing for my daughter-in-law, she is expecting. For the last hour she has severe "
            "pain in the stomach. There is a little blood also.",
            "pregnancy_emergency",
        ),
        (
            "en",
            "Mum's 72. She woke up from her nap and the right side of her mouth is hanging down "
            "and she can't lift her right arm",
            "stroke_signs",
        ),
        (
            "ar",
            "أمي ما تكدر تتنفس من تنام على ظهرها، وهسه حتى وهي كاعدة نفسها مكطوع",
            "severe_breathing_difficulty",
        ),
        ("ar", "جوزي بطنه واجعاه جامد ومش قادر يتحرك من الوجع", "acute_abdomen"),
        ("ur", "کئی دنوں سے خود کو کاٹنے کا سوچ رہی ہوں", "suicide_risk"),
        (
            "ur",
            "aaj raat leit hi nahi sakta, leitte hi saans ruk jati hai, baith kar bhi saans "
            "phool rahi hai",
            "severe_breathing_difficulty",
        ),
        (
            "ur",
            "Keppra ki goliyan khatam ho gayi thin. Aaj subah phir fit aya, zabaan bhi kat gayi",
            "seizure",
        ),
        # From the twenty-fourth.
        ("ar", "أكلت مكسرات وهلق حاسس حلقي عم يتسكّر", "anaphylaxis"),
        ("ar", "والله أحسن لو خلّصت من حياتي وارتاح", "suicide_risk"),
        (
            "ar",
            "ابني حرارته مرتفعة وفي نقط حمر على بطنه، ضغطت عليها بكاسة وما راحوا",
            "meningitis_signs",
        ),
        ("ur", "جھینگے کھانے کے بعد گلا اندر سے سوجا ہوا لگ رہا ہے", "anaphylaxis"),
        (
            "ur",
            "Nana ki saans itni phooli hai ke poora jumla nahi bol pa rahe",
            "severe_breathing_difficulty",
        ),
        (
            "ur",
            "Hont halke neele lag rahe hain aur saans phool rahi hai",
            "severe_breathing_difficulty",
        ),
        (
            "ur",
            "Behen ke sar mein achanak aisa dard utha jaise bijli giri ho",
            "thunderclap_headache",
        ),
        (
            "ur",
            "Ammi ke pait mein dard hai, hil bhi nahi saktin, zara sa hilne pe cheekh nikalti hai",
            "acute_abdomen",
        ),
        # From the twenty-fifth.
        (
            "en",
            "My sister grabbed her head at dinner, says it's the worst pain she's ever felt",
            "thunderclap_headache",
        ),
        # From the twenty-sixth.
        (
            "ar",
            "ماما فجأة بقت مش عارفة تتكلم كويس، الكلام طالع مدغدغ، وبوقها مايل ناحية اليمين",
            "stroke_signs",
        ),
        ("ar", "ودراعها الشمال تقيل مش قادرة ترفعه، حصل فجأة من نص ساعة", "stroke_signs"),
        ("ar", "أكلت كاتو من ربع ساعة، وهلأ حاسة زلعومي عم يضيق", "anaphylaxis"),
        (
            "ar",
            "بالغلط خدت قرص أسبرين ونسيت إن عندي حساسية منه، ودلوقتي شفايفي وعينيا وارمين",
            "anaphylaxis",
        ),
        ("ar", "خالي عمره ٧٠ سنة، من البارحة خروجه أسود ولزگ", "gi_bleeding"),
        (
            "ur",
            "raat 2 baje se sene mein drd hai, 9/10 hai, jabre tak jata hai",
            "cardiac_chest_pain",
        ),
        ("ur", "aaj keh raha tha zindgi ka koi faida nahi", "suicide_risk"),
        (
            "ur",
            "usne neend ki goliya jama kr rakhi hain sab ek saath khane ke liye",
            "suicide_risk",
        ),
        # From the twenty-seventh.
        (
            "en",
            "My father has been sitting up all night because he can't breathe if he lies back, "
            "now he is breathless even sitting still",
            "severe_breathing_difficulty",
        ),
        (
            "en",
            "Sister typing for Grace. She screamed and grabbed her head while we were watching "
            "telly, says it's the worst pain she's ever had, came on all at once.",
            "thunderclap_headache",
        ),
        (
            "en",
            "My grandad's stomach has gone hard as a board. He had part of his bowel removed "
            "years ago.",
            "acute_abdomen",
        ),
        (
            "ar",
            "مراتي بتقول دماغها كأنها انفجرت فجأة، وجع عمرها ما حست بيه",
            "thunderclap_headache",
        ),
        ("ar", "لقيتها بالحمام تجرح يدها بموس وقالت لي ما تبي تعيش", "suicide_risk"),
        # "خالي" is "my uncle" as well as "free (of)": "خالي من البارحة" is the uncle since
        # yesterday, not "free since yesterday".
        ("ar", "خالي من البارحة خروجه أسود ولزگ وريحته قوية", "gi_bleeding"),
        ("ur", "میرے شوہر کو آج آفس میں fit پڑا، ہاتھ پاؤں جھٹکنے لگے", "seizure"),
        (
            "ur",
            "Ammi ke pait mein daayen taraf neeche bohot tez dard hai, na chal sakti hain",
            "acute_abdomen",
        ),
        (
            "ur",
            "biryani khai, baad mein pata chala usme jheenga tha. Ab zabaan moti hoti ja rahi hai",
            "anaphylaxis",
        ),
        (
            "ur",
            "Meri behen ki delivery ki date agle mahine hai. Aaj achanak khoon bhi aa raha hai",
            "pregnancy_emergency",
        ),
        # From the twenty-eighth.
        (
            "en",
            "My son keeps saying we would all be better off if he was dead",
            "suicide_risk",
        ),
        (
            "en",
            "Dad called me by his sister's name and can't tell me what day it is",
            "confusion",
        ),
        ("ar", "أبوي ما يقدر ينسدح على ظهره، ننومه على ثلاث مخدات", "severe_breathing_difficulty"),
        ("ar", "عمتي حتى وهي قاعدة تلهث", "severe_breathing_difficulty"),
        ("ar", "خالتي تعبانة وما تقدر تكمل كلمتين من النفس", "severe_breathing_difficulty"),
        ("ar", "زوجي صحى ونصف وجهه الأيسر متدل", "stroke_signs"),
        # From the twenty-ninth.
        (
            "en",
            "Grandad says lying back makes him feel like he's drowning",
            "severe_breathing_difficulty",
        ),
        ("en", "She can only get out a couple of words at a time", "severe_breathing_difficulty"),
        ("ur", "رات کو اپنی کلائی کاٹنے کا خیال آتا ہے", "suicide_risk"),
        ("ur", "Ammi lait kar saans bilkul nahi le pa rahin", "severe_breathing_difficulty"),
        ("ur", "Abbu ko baithay hue bhi saans phool rahi hai", "severe_breathing_difficulty"),
        ("ur", "ungli kat gayi, khoon ruk hi nai rha", "heavy_bleeding"),
        ("ur", "naak se khoon ruk nai rha aadhe ghante se", "heavy_bleeding"),
        # From the thirtieth.
        (
            "en",
            "My brother texted me last night that he doesn't see the point of being here",
            "suicide_risk",
        ),
        ("en", "Mum won't let anyone near her tummy and can't move at all", "acute_abdomen"),
        (
            "ar",
            "جدي ما يقدر يتمدد على ظهره ويقعد طول الليل عشان يتنفس",
            "severe_breathing_difficulty",
        ),
        ("ar", "صرت أفكر إن أهلي بيرتاحوا لو اختفيت", "suicide_risk"),
        ("ar", "خالي فجأة بقه مسحوب لتحت من ناحية واحدة", "stroke_signs"),
        (
            "ur",
            "Chachu ka pait takhte ki tarah sakht hai aur dard se ro rahe hain",
            "acute_abdomen",
        ),
        # "never had pain like it" says how bad the pain is, with the head named before it.
        (
            "en",
            "bang, like someone hit the back of my skull with a bat, never had pain like it",
            "thunderclap_headache",
        ),
        # The site a pain reaches ("کندھے تک") is not where it is: the belly's pain in pregnancy.
        (
            "ur",
            "بیوی حاملہ ہے، پیٹ میں ایک طرف بہت تیز درد ہے جو کندھے تک جا رہا ہے",
            "pregnancy_emergency",
        ),
        # From the thirty-first.
        (
            "ur",
            "پیٹ کے اوپر اچانک چھری جیسا درد اٹھا، کروٹ تک نہیں لے پا رہے",
            "acute_abdomen",
        ),
        ("ur", "pet mein shadeed dard hai, karwat tak nahi le pa rahe", "acute_abdomen"),
        (
            "ur",
            "ek dam sar pakar ke beth gaye, jaise sar ke andar bijli kaundi ho",
            "thunderclap_headache",
        ),
        ("ur", "sar mein dard hai, aisa dard unhon ne kabhi nahi jhela", "thunderclap_headache"),
        ("ar", "أخوي قرصتو نحلة وهسي عيونو وشفايفو ورمت", "anaphylaxis"),
        # From the thirty-second split, in new words: lay images of the same emergencies.
        (
            "en",
            "feels like someone parked a truck on my chest, my shirt is soaked through and the "
            "ache goes to my jaw",
            "cardiac_chest_pain",
        ),
        ("en", "mum keeps asking me who I am and thinks it is 1990", "confusion"),
        ("ar", "كنت أمشي بالسوق وما حسيت بعمري إلا وأنا على الأرض", "fainting"),
        ("ur", "لگتا ہے میرے نہ ہونے سے سب کی جان چھوٹ جائے گی", "suicide_risk"),
        ("ur", "دفتر میں میٹنگ کے دوران ابو اچانک ڈھیر ہو گئے، کچھ دیر بعد ہوش آیا", "fainting"),
        (
            "ur",
            "beta 5 saal ka hai, saans itni phooli hai ke ek lafz bol ke ruk jata hai",
            "severe_breathing_difficulty",
        ),
        (
            "ur",
            "shrimp khaye the, ab hont phool ke mote ho gaye hain aur gale mein jaise kuch atak "
            "raha hai",
            "anaphylaxis",
        ),
        ("ur", "subah se teen dafa ulti ki aur har dafa khoon tha", "vomiting_blood"),
        ("ur", "dada ji masjid mein khade khade dhaam se gir gaye", "fainting"),
        ("ur", "maine saari neend ki goliyan gin ke alag rakh li hain", "suicide_risk"),
        ("ur", "nani aaj subah se mujhe pehchan nai rhi", "confusion"),
        (
            "ur",
            "bhirr ne kaata aur zuban itni sooj gayi ke munh mein nahi sama rahi",
            "anaphylaxis",
        ),
        (
            "ur",
            "gym mein weights uthaye aur usi second sar mein phatne jaisa dard hua",
            "thunderclap_headache",
        ),
        # The Urdu "بتایا" (told) is not an uncle ("تایا") who would make the wish his.
        ("ur", "میری بیٹی نے آج بتایا کہ وہ اپنی کلائی کاٹنا چاہتی ہے", "suicide_risk"),
        # From the thirty-third split, in new words.
        (
            "en",
            "my toddler has a fever and little purple spots on his tummy that dont fade under "
            "a glass",
            "meningitis_signs",
        ),
        (
            "en",
            "he grabbed the back of his head, says it came on in one second, 10 out of 10",
            "thunderclap_headache",
        ),
        ("ar", "أنا حامل في الشهر السادس وحسيت شي دافي ينزل ولقيت دم", "pregnancy_emergency"),
        ("ar", "أخوي فجأة لسانه صار تقيل وحكيه مخربط", "stroke_signs"),
        (
            "ur",
            "بیٹے کو دمہ ہے، ہر دو لفظ کے بعد رکتا ہے اور گلے کے نیچے گڑھا پڑتا ہے",
            "severe_breathing_difficulty",
        ),
        ("ur", "ابو کا پورا جسم کانپنے لگا اور منہ سے جھاگ آئی", "seizure"),
        (
            "ur",
            "nana ji ko subah se kuch samaj nai aa rha, mujhe apni behen samajh rahi hain",
            "confusion",
        ),
        (
            "ur",
            "ammi ka munh ke ek kone se paani behne laga aur ek taraf ka gaal latka hua hai",
            "stroke_signs",
        ),
        # From blind development round 20, in new words.
        (
            "en",
            "been on ibuprofen for weeks and today my poo came out like black tar",
            "gi_bleeding",
        ),
        ("en", "my dad folded like a puppet when you cut the strings in the queue", "fainting"),
        (
            "en",
            "she's allergic to sesame and now her tongue looks too big and it's like breathing "
            "through a straw",
            "anaphylaxis",
        ),
        (
            "en",
            "I keep thinking how quiet it would be if I just stepped off the roof",
            "suicide_risk",
        ),
        ("en", "my brother says he wants to sleep and not wake up", "suicide_risk"),
        (
            "en",
            "my uncle keeps rubbing his chest and the ache goes up into his bottom teeth",
            "cardiac_chest_pain",
        ),
        (
            "en",
            "she said something popped in her head, like hot water pouring inside her skull",
            "thunderclap_headache",
        ),
        (
            "en",
            "my wife is in her seventh month and there is blood on her trousers",
            "pregnancy_emergency",
        ),
        ("ar", "أبوي يقول كأن أحد حاط كيس رز على صدره وعرقان", "cardiac_chest_pain"),
        ("ar", "زوجي الوجع يعصر صدره زي الكماشة وطالع لسنانه", "cardiac_chest_pain"),
        ("ar", "جدتي استفرغت شي مثل تفل الشاي", "vomiting_blood"),
        ("ar", "أعد الحبوب وأقول لو أبلعهن كلهن محد بيفقدني", "suicide_risk"),
        ("ar", "أختي كتبت إنها بدها تختفي من هالدنيا", "suicide_risk"),
        ("ar", "دورتي قوية أغير الفوطة الكبيرة كل ساعة", "heavy_bleeding"),
        ("ar", "من يومين صرت أنام قاعد على الكرسي عشان ألقط نفسي", "severe_breathing_difficulty"),
        ("ar", "زوجتي حامل وتصرخ من وجع بطنها", "pregnancy_emergency"),
        ("ar", "عمي الوجع في صدره طالع لأسنانه من نص ساعة", "cardiac_chest_pain"),
        ("ur", "مونگ پھلی کھائی اور اب گلے میں جیسے لڈو اٹکا ہے", "anaphylaxis"),
        ("ur", "نانا نے کافی جیسی الٹی کی ہے", "vomiting_blood"),
        ("ur", "آٹھ مہینے کی حاملہ ہوں اور خون کی دھار بہہ رہی ہے", "pregnancy_emergency"),
        ("ur", "mera munh neechay latka hua hai aur pani kone se beh gaya", "stroke_signs"),
        ("ur", "dil karta hai ek qadam aage barha doon, kisi ko farq nahi parega", "suicide_risk"),
        ("ur", "behen ki kalai pe taaza kat ke nishan hain", "suicide_risk"),
        ("ur", "nani ko awazen di to koi jawab nahi mila", "unconsciousness"),
        (
            "ur",
            "dada pait pakar ke pare hain, zara karwat lein to cheekh nikal jati hai",
            "acute_abdomen",
        ),
        ("ur", "ammi apne hi ghar mein pooch rahi hain hum kis ke ghar aaye hain", "confusion"),
        # From the thirty-fourth held-out split, read after its scoring, in new words.
        ("en", "my brother says something burst in his head while lifting", "thunderclap_headache"),
        ("en", "grandad doesnt reconise me today and keeps picking at the air", "confusion"),
        ("ar", "صدري كأن أحد حاط عليه بلوك والعرق يصب مني", "cardiac_chest_pain"),
        ("ar", "كل ما أمر على الجسر أفكر أوقف السيارة وأنط منه", "suicide_risk"),
        (
            "ar",
            "زوجتي حامل ويعورها جنبها اليمين تحت بقوة ما تقدر توقف عدل",
            "pregnancy_emergency",
        ),
        ("ur", "بھائی ابھی زمین پر گر کر کانپتے رہے اور زبان دانتوں میں آ گئی", "seizure"),
        (
            "ur",
            "ammi ka baayan honth aur gaal latke hue hain, 20 minute ho gaye hain",
            "stroke_signs",
        ),
        (
            "ur",
            "line mein khari thi ke neeche gir gayi, hosh aya to log pani chirak rahe the",
            "fainting",
        ),
        # From blind development round 21, read after its scoring, in new sentences.
        (
            "en",
            "My aunt went stiff as a board and her legs were jerking, it's stopped, "
            "now she's very sleepy",
            "seizure",
        ),
        ("en", "He went down like someone switched him off at the bus stop", "fainting"),
        ("ar", "من الصبح رجعت مرتين شي أحمر مثل الدم", "vomiting_blood"),
        ("ar", "أخوي يقول بيبلعها كلها ويرتاح من الدنيا", "suicide_risk"),
        ("ar", "أبوي انطفى مثل اللمبة وهو واقف في الطابور", "fainting"),
        ("ar", "أمي تطالعني كأنها أول مرة تشوفني من العصر", "confusion"),
        ("ar", "صدري كأنه محزوم بحبل والعرق نازل مني", "cardiac_chest_pain"),
        ("ur", "بیٹے کو بخار ہے اور گردن لکڑی جیسی سخت ہے", "meningitis_signs"),
        ("ur", "بازار میں اندھیرا چھا گیا، آنکھ کھلی تو میں فرش پر تھی", "fainting"),
        (
            "ur",
            "حمل کا ٹیسٹ پازیٹو آیا ہے اور نیچے پیٹ میں جیسے چاقو گھونپا ہو، "
            "سیدھی کھڑی نہیں ہو پا رہی",
            "pregnancy_emergency",
        ),
        ("ur", "دادی کے ہونٹ کا کونا لٹکا ہوا ہے اور بازو نہیں اٹھ رہا", "stroke_signs"),
        ("ur", "جھینگے کھائے، ہونٹ پھول گئے اور گلے میں کچھ اٹکا ہوا لگ رہا ہے", "anaphylaxis"),
        ("ur", "کھڑے کھڑے آنکھیں اوپر چڑھ گئیں اور پورا جسم تھرتھرانے لگا", "seizure"),
        ("ur", "نانا ابھی بار بار پوچھ رہے ہیں یہ کس کا گھر ہے", "confusion"),
        ("ur", "ابھی الٹی میں پسی ہوئی کافی جیسا آیا", "vomiting_blood"),
        (
            "ur",
            "seene pe jaise kisi ne patthar rakh diya aur paseene se bheegi hui hun",
            "cardiac_chest_pain",
        ),
        (
            "ur",
            "bhirr ke kaatne ke baad chehra phool gaya aur seeti ki awaaz ke saath saans "
            "le raha hai",
            "anaphylaxis",
        ),
        ("ur", "abhi ulti me kaafi ke phoog jaisa aaya", "vomiting_blood"),
        (
            "ur",
            "lift me kala parda aa gaya aur agli cheez yaad hai ke log utha rahe the",
            "fainting",
        ),
        (
            "ur",
            "biwi ke din poore hone wale hain, pet me itna dard ke bol nahi pa rahi",
            "pregnancy_emergency",
        ),
        ("ur", "nani abhi baar baar poochti hain ye kis ka ghar hai", "confusion"),
        # From the thirty-fifth held-out split, read after its scoring, in new sentences.
        ("en", "my cheast is tight like a belt and my left arm feels heavy", "cardiac_chest_pain"),
        ("en", "He went down in the kitchen and didn't answer us for a bit", "fainting"),
        (
            "en",
            "my uncle is diabetic, found him sweaty and talking rubbish in his room",
            "confusion",
        ),
        (
            "en",
            "my wife is holding her belly, every bump in the road makes her scream",
            "acute_abdomen",
        ),
        ("ar", "ولدي حرارته عالية وتخشب وصار يرجف", "seizure"),
        ("ar", "أمي صارت تنام قاعدة، أول ما تنسدح تكتم وتلهث", "severe_breathing_difficulty"),
        ("ar", "أنا خايفة من نفسي الليلة", "suicide_risk"),
        ("ur", "دورے کے بعد بار بار پوچھ رہی ہے میں کہاں ہوں", "confusion"),
        ("ur", "مونگ پھلی کھائی اور اب گلے میں جیسے کوئی پھندا کس رہا ہو", "anaphylaxis"),
        ("ur", "حمل ہے اور پیٹ میں درد ہے، کسی طرح آرام نہیں", "pregnancy_emergency"),
        (
            "ur",
            "abba ka daayan haath achanak dheela par gaya aur alfaaz gadmad hain",
            "stroke_signs",
        ),
        # A relative's signs now beside another illness of the past in its own sentence.
        ("en", "Dad is vomiting blood. His father had liver disease years ago.", "vomiting_blood"),
        (
            "en",
            "on a video call the right side of his mouth slid down like a melted candle",
            "stroke_signs",
        ),
        (
            "en",
            "she grabbed the back of her head, like someone hit her skull with a bat",
            "thunderclap_headache",
        ),
        ("ar", "ولدي يكح وصدره يصفر، يقول كلمتين ويوقف ياخذ نفس", "severe_breathing_difficulty"),
        ("ar", "قال لي بصراحة إنو بيفكر يخلص من نفسو", "suicide_risk"),
        ("ar", "أمي من بعد الغدا صارت غريبة، تسألني انتي منو", "confusion"),
        (
            "ur",
            "چاکلیٹ کھا لی جس کے اندر شاید مونگ پھلی کا مکھن تھا، ہونٹ پھول کر موٹے ہو گئے",
            "anaphylaxis",
        ),
        ("ur", "آج صبح ناشتے پر بولا کہ چھت سے کود جاؤں تو سب کی جان چھوٹ جائے", "suicide_risk"),
        ("ur", "آج دوپہر سے ہر گھنٹے بڑا والا پیڈ پورا بھیگ جاتا ہے", "heavy_bleeding"),
        ("ur", "churi angoothe me ghus gayi, khoon dhaar ki tarah nikalta hai", "heavy_bleeding"),
        ("ur", "abbu lehra kar farsh pe gir gaye, phir khud hi hosh me aa gaye", "fainting"),
        ("ur", "dadi aaj subah se mujhe meri ammi ke naam se bula rahi hain", "confusion"),
        (
            "en",
            "every bump in the car made him scream, pain in the lower right of his belly",
            "acute_abdomen",
        ),
        ("ar", "أرسل لي رسالة يقول سامحني وإنه بيخلص من حياته الليلة", "suicide_risk"),
        (
            "ur",
            "سانس اتنی اکھڑی ہوئی ہے کہ دو تین لفظ بول کر رکنا پڑتا ہے",
            "severe_breathing_difficulty",
        ),
        (
            "ur",
            "حمل کا ٹیسٹ مثبت آیا تھا۔ آج صبح سے پیٹ کی دائیں طرف جیسے چھری چل رہی ہو",
            "pregnancy_emergency",
        ),
        (
            "ur",
            "Augmentin کی پہلی گولی کے آدھے گھنٹے بعد سانس لینے میں گھٹن ہو رہی ہے",
            "anaphylaxis",
        ),
        ("ur", "ammi ke saath mall mein thi, achank unka munh tedha sa ho gaya", "stroke_signs"),
        (
            "ur",
            "Biwi ka doosra mahina chal raha hai, pait mein chhuri jaisa tez dard hai",
            "pregnancy_emergency",
        ),
        ("ur", "abbu aaj dopahar se pooch rahe hain ke hum kahan hain", "confusion"),
        ("ur", "chhuri se kat laga, khoon rukta hi nahi, 3 towel laal ho gaye", "heavy_bleeding"),
        (
            "ur",
            "chhati pe jaise kisi ne aate ki bori rakh di ho, dard upar jabray tak ja raha hai",
            "cardiac_chest_pain",
        ),
        (
            "en",
            "I'm 7 weeks pregnant, pain low in my belly and now my shoulder hurts",
            "pregnancy_emergency",
        ),
        # A reply that is no denial keeps the question's emergency.
        (
            "en",
            "chest pain? yes, crushing, going down my left arm, no idea why",
            "cardiac_chest_pain",
        ),
        (
            "ur",
            "saans ka poocha? haan ji, let kar saans nahi aata, baith ke sona parta hai",
            "severe_breathing_difficulty",
        ),
        # Read after the thirty-seventh held-out split was scored (new wordings of its misses).
        (
            "en",
            "my husband dropped his cup, now when he smiles only one side of his mouth goes up",
            "stroke_signs",
        ),
        ("ar", "اخوي صرخ وقال كأن شي انفجر جوا راسه فجأة", "thunderclap_headache"),
        ("ar", "طفلي عمره ٦ شهور، نفسه سريع وبطنه ينسحب تحت الضلوع", "severe_breathing_difficulty"),
        (
            "ur",
            "بچہ پورا جملہ نہیں بول پاتا، کندھے اٹھا اٹھا کر سانس لے رہا ہے",
            "severe_breathing_difficulty",
        ),
        ("ur", "بہن کا آٹھواں مہینہ ہے، شلوار خون سے بھر گئی", "pregnancy_emergency"),
        ("ur", "Bhabhi ka 7wan mahina hai, achanak khoon aane laga", "pregnancy_emergency"),
        (
            "ur",
            "abbu kehte hain sar mein jaise bomb phat gaya, ulti bhi ki",
            "thunderclap_headache",
        ),
        (
            "en",
            "My mum is 78. Her tests last week were normal. But since breakfast she doesn't "
            "know she's in her own house",
            "confusion",
        ),
        # From the thirty-eighth split, read after its one scoring.
        (
            "en",
            "my son is hot since morning and now small purpel dots on his legs",
            "meningitis_signs",
        ),
        (
            "ar",
            "ولدي حرارته مرتفعة وطلعت له نقط حمرا صغيرة على رجوله، ضغطت عليها بالكوب ولا راحت",
            "meningitis_signs",
        ),
        (
            "en",
            "Mama keeps dropping her cup and when she smiles only half her face moves",
            "stroke_signs",
        ),
        ("en", "ammi is talking nonsens and doesnt know she is in her own house", "confusion"),
        (
            "en",
            "Wife is 32 weeks, she's bleeding bright red, it's running down her legs",
            "heavy_bleeding",
        ),
        ("ar", "أمي من العصر تسألني نفس السؤال كل دقيقتين وما عرفت أختي", "confusion"),
        (
            "ur",
            "روم میٹ نے گروپ میں میسج کیا کہ سب مجھے معاف کر دینا، دروازہ نہیں کھول رہا",
            "suicide_risk",
        ),
        (
            "ur",
            "بیوی کا دوسرا مہینہ ہے، پیٹ میں بہت شدید درد ہے جو کندھے تک جا رہا ہے",
            "pregnancy_emergency",
        ),
        ("ur", "lagta hai sab ke liye behtar hoga agar mein na rahun", "suicide_risk"),
        (
            "ur",
            "beti ko bhirr ne gardan pe kaat liya, ab uski aankhen aur zuban sooj rhi hai",
            "anaphylaxis",
        ),
        (
            "ur",
            "shohar ke pait me shadeed drd, kehte hain hilne se jaan nikalti hai",
            "acute_abdomen",
        ),
        # The thirty-ninth held-out split's misses, read after its one scoring.
        (
            "en",
            "Dad was fine at maghrib. 10 minutes back his face dropped on one side",
            "stroke_signs",
        ),
        (
            "en",
            "she grabbed her head, says the pain came like a thunder all at once",
            "thunderclap_headache",
        ),
        (
            "en",
            "my husband is curled up on the floor, won't let anyone touch his stomach, "
            "he can't get up",
            "acute_abdomen",
        ),
        ("ar", "امي فجأة مسكت راسها وقالت كأنو شي فقع جوات راسها", "thunderclap_headache"),
        ("ar", "جدي طاح في الصالة ومب راضي يصحى", "unconsciousness"),
        ("ar", "أخوي كتب رسالة وداع وجمع حبوبه كلها، يقول ما أبا أعيش", "suicide_risk"),
        ("ar", "قرصها دبور وهلق شفافها منفوخين وزلعومها عم يسكر", "anaphylaxis"),
        ("ur", "امی کو دو بار کافی کے برادے جیسی الٹی آئی ہے", "vomiting_blood"),
        (
            "ur",
            "ٹیکہ لگنے کے بعد زبان منہ میں نہیں سما رہی اور سانس میں سیٹیاں بج رہی ہیں",
            "anaphylaxis",
        ),
        ("ur", "نانا جان کل شام سے بہکی بہکی باتیں کر رہے ہیں، پہچان نہیں رہے", "confusion"),
        ("en", "this morning my dad asked me who I was and put his shoes in the oven", "confusion"),
        ("en", "ate a spoon of the kheer and my voice has gone tight", "anaphylaxis"),
        ("en", "nosebleed for an hour, pinching it and it just keeps pouring", "heavy_bleeding"),
        ("en", "I've been giving my things away and wrote letters for my mum", "suicide_risk"),
        ("ar", "زوجي حط يده على صدره يقول كأن أحد قاعد فوقه والعرق يصب منه", "cardiac_chest_pain"),
        ("ar", "زميلي وجهه طايح من جهة ويده اليسار ما يقدر يحركها", "stroke_signs"),
        ("ar", "أختي تقول إنها تفكر ترمي نفسها من البلكونة", "suicide_risk"),
        ("ar", "أبوي وگع بالحمام، لگيناه على الگاع", "fainting"),
        ("ar", "حرارته ٣٩ ولا يستطيع أن ينزل ذقنه إلى صدره", "meningitis_signs"),
        (
            "ur",
            "سانس... بات پوری نہیں ہوتی، پمپ کے پف لیے کوئی فرق نہیں",
            "severe_breathing_difficulty",
        ),
        (
            "ur",
            "ٹیسٹ مثبت آیا ہے، پیٹ میں ایک طرف درد ہے جو کندھے تک جاتا ہے",
            "pregnancy_emergency",
        ),
        (
            "ur",
            "ammi ne achanak sar dono haathon se pakar liya, aisa dard kabhi mehsoos nahi kiya",
            "thunderclap_headache",
        ),
        ("ur", "ulti ka rang kahwe ke phuke jaisa hai", "vomiting_blood"),
        ("ur", "subah paakhana kaala, tar jaisa tha", "gi_bleeding"),
        ("ur", "jhinga khaya, zabaan moti si lagne lagi aur saans mein seeti", "anaphylaxis"),
        (
            "en",
            "Ammi was peeling potatoes when the knife just slid out of her right hand. When she "
            "talks now it's like her mouth is full of cotton wool",
            "stroke_signs",
        ),
        ("en", "her smile only goes up on one side since this morning", "stroke_signs"),
        (
            "en",
            "my wife is 32 weeks, the pain in her belly is worse than her kidney stone was",
            "pregnancy_emergency",
        ),
        (
            "en",
            "my wife is 32 weeks with twins and the babies haven't moved much since lunch",
            "pregnancy_emergency",
        ),
        (
            "en",
            "An hour ago I got itchy all over, now my lips are getting fat and breathing feels "
            "like it's through a straw",
            "anaphylaxis",
        ),
        ("ar", "غبّشت الدنيا قدامي ووقعت، وما حسيت على حالي إلا والناس حواليّ", "fainting"),
        ("ar", "جرحت ايدي من ۴۰ دقيقة، ضاغط عليها وبعده الدم ينزل ما وگف", "heavy_bleeding"),
        ("ar", "أبوي متكور على جنبه وما يخلي أحد يلمس بطنه، يقول الألم ١٠ من ١٠", "acute_abdomen"),
        ("ar", "أمي من العصر صارت تسألني منو أنتي ووين احنا", "confusion"),
        ("ar", "زميلنا في الموقع بقى يتكلم كلام ما ليهو معنى وما عارف هو وين", "confusion"),
        ("ur", "ابو وقت پوچھو تو رات بتاتے ہیں، مجھے ڈاکٹر صاحب کہہ کر بلا رہے ہیں", "confusion"),
        (
            "ur",
            "دادا جان کو تکیے لگا کر بٹھایا ہے، پھر بھی دو لفظ بول کر ہانپنے لگتے ہیں",
            "severe_breathing_difficulty",
        ),
        ("ur", "شوہر کا بائیں طرف کا ہونٹ نیچے لٹک گیا ہے اور بایاں ہاتھ بھاری ہے", "stroke_signs"),
        ("ur", "Rashid sahab baat atak atak ke aur moti zuban se kar rahe hain", "stroke_signs"),
        (
            "ur",
            "bachi ko tez bukhar tha, achanak poora jism kaanpne laga, aankhen ek taraf",
            "seizure",
        ),
        # The forty-third split's misses, in new words: half a face that will not move and a
        # hand that lets go, lips and tongue swollen after a new tablet, a nan who thinks her
        # carer is her sister, the "worst" headache in Egyptian and childbirth as the measure,
        # a heaviness pulling to the left arm, eyes rolling up and a stiffened body, cloths
        # soaked through, a head that burst "ek dum".
        (
            "en",
            "grandad tried to smile and only half his face moved, then his right hand just let go "
            "of his fork",
            "stroke_signs",
        ),
        (
            "en",
            "an hour after the new tablet her lips and tongue have swollen up like balloons",
            "anaphylaxis",
        ),
        ("en", "Since lunch my nan thinks her carer is her daughter", "confusion"),
        ("ar", "من ربع ساعة جالي أوحش صداع في حياتي", "thunderclap_headache"),
        ("ar", "من نص ساعة صدري تقيل وبيشد لدراعي الشمال", "cardiac_chest_pain"),
        ("ar", "بنتي عينيها قلبت لفوق وجسمها اتصلب من شوية", "seizure"),
        (
            "ur",
            "اچانک سر میں درد اٹھا، ایسا درد تو پیدائش میں بھی نہیں ہوا",
            "thunderclap_headache",
        ),
        ("ur", "بازو پر گہرا کٹ ہے، تولیہ باندھا وہ بھی خون سے تر ہو گیا", "heavy_bleeding"),
        ("ur", "naha rahi thi ke ek dum sar phat gaya, ulti bhi aayi", "thunderclap_headache"),
        # Development lines long missed: pregnant with a first baby is pregnant now, and
        # "shayad" before a number guesses the number, not the faint.
        (
            "en",
            "pregnant with my first baby and bleeding with cramps since this morning",
            "pregnancy_emergency",
        ),
        ("ur", "namaz ke baad gir gaya, shayad 2 second hosh nahi raha", "fainting"),
        # Development emergencies only resemblance raised, now read by the rules: found shaking
        # on the floor, "never ever had a headache like this", sleeping pills collected.
        (
            "en",
            "no fit for two years, then this morning my wife found me shaking on the floor",
            "seizure",
        ),
        (
            "en",
            "out of nowhere a bang at the back of my head, never ever had a headache like this",
            "thunderclap_headache",
        ),
        ("ur", "کل رات نیند کی گولیاں اکٹھی کر کے رکھ لیں، سوچ رہا ہوں", "suicide_risk"),
        # The forty-fourth held-out split's misses, in other words.
        ("en", "my dad keeled over in the garden ten minutes ago", "fainting"),
        (
            "en",
            "my wife is curled up in bed and won't let anyone touch her stomach, if she moves "
            "even a bit she screams",
            "acute_abdomen",
        ),
        (
            "en",
            "Nan phoned asking when Grandad is coming home, he died years ago, and she didn't "
            "know she was in her own flat. She was completely fine at lunch",
            "confusion",
        ),
        (
            "en",
            "my little sister is 8. at breakfast she went stiff and her arms and legs were "
            "jerking. it stopped but now she's snoring and we can't wake her",
            "seizure",
        ),
        ("ar", "قرصتني نحلة وهلق شفافي عم ينفخو وصرت اتنفس بالعافية", "anaphylaxis"),
        ("ar", "من ساعة رجلي اليسار ثقيلة أجرها جر والكاسة طاحت من يدي اليسار", "stroke_signs"),
        ("ar", "كل ما أتمدد أحس روحي طالعة وأقعد طول الليل", "severe_breathing_difficulty"),
        (
            "ur",
            "ابو سینہ مل رہے ہیں، کہتے ہیں جیسے چھاتی پر اینٹیں رکھ دی ہوں "
            "اور ٹھنڈا پسینہ آ رہا ہے",
            "cardiac_chest_pain",
        ),
        (
            "ur",
            "بیوی کہہ رہی ہے اچانک سر پھٹ گیا ہے اور روشنی بری لگ رہی ہے",
            "thunderclap_headache",
        ),
        (
            "ur",
            "Dadi ko subha se kuch ho gya he, mujhe apni beti samjh rahi hain aur poochti hain "
            "ye kiska ghar he",
            "confusion",
        ),
        (
            "ur",
            "pehle jabre mein dard tha, ab neeche seene tak aa gaya hai aur pasina aa raha hai",
            "cardiac_chest_pain",
        ),
        (
            "ur",
            "abbu chai ka cup baar baar gira rahe hain, kehte hain daayan haath apna nahi lag raha",
            "stroke_signs",
        ),
        (
            "ur",
            "bachi ko bukhar hai aur pairon pe jamni nishan hain, glass daba ke dekha to bhi gaye "
            "nahi",
            "meningitis_signs",
        ),
        (
            "ur",
            "7 mahine ki pregnant hoon, abhi shalwar khoon se bhari hui thi",
            "pregnancy_emergency",
        ),
    ],
)
def test_an_emergency_is_read_by_the_rules(
    understanding: Understanding, lang: str, text: str, flag: str
) -> None:
    flags = _flags(understanding, text, lang)
    assert flag in {f.code for f in flags if not f.rule.startswith("similar_to:")}


# An overdose told in everyday words is read by the phrase rules, not left to resemblance:
# next to ordinary talk of tablets ("I took two sleeping tablets last night") the comparison
# cannot tell them apart.
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "I took a whole packet of my sleeping tablets an hour ago"),
        ("en", "I swallowed every sleeping tablet in the house an hour ago"),
        ("en", "I took all the sleeping tablets in the cupboard"),
        ("en", "I swallowed twenty of my sleeping tablets an hour ago"),
        ("en", "I have just swallowed thirty paracetamol on purpose"),
        ("en", "I have had all of my mum's sleeping pills at once"),
        ("en", "I have a headache and I emptied the bottle of my sleeping tablets an hour ago"),
        ("ar", "بلعت الشريط كله من حبوب الضغط"),
        ("ar", "بلعت كل حبوب المنوم اللي عندي"),
        ("ar", "شربت علبة البنادول كلها قبل ساعة"),
        ("ur", "نیند کی ساری گولیاں کھا لی ہیں"),
        ("ur", "maine neend ki saari goliyan kha li hain"),
    ],
)
def test_an_overdose_in_everyday_words_is_read_by_the_rules(
    understanding: Understanding, lang: str, text: str
) -> None:
    flags = _flags(understanding, text, lang)
    assert [(f.code, f.rule.startswith("similar_to:")) for f in flags] == [("suicide_risk", False)]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "I bought a whole packet of paracetamol for the kids"),
        ("en", "I took all of my blood pressure tablets last week as prescribed"),
        ("en", "Confused about which tablets to take since the pharmacy changed the brand"),
    ],
)
def test_tablets_taken_as_meant_are_not_an_overdose(
    understanding: Understanding, lang: str, text: str
) -> None:
    assert _flags(understanding, text, lang) == []


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "I fainted once 3 yrs ago when I gave blood, never happened again"),
        ("ar", "أمي طاحت مغمى عليها السنة اللي طافت من السكر"),
        ("en", "I fainted once at a wedding long back, nothing like that since"),
        ("en", "Passed out from the heat at a wedding last August, fine since"),
        ("ar", "أغمى علي مرة وأنا في الثانوية ومن يومها ما صار لي شي"),
        ("ur", "تین سال پہلے گرمی میں ایک بار چکرا کر بے ہوش ہو گئی تھی"),
    ],
)
def test_an_event_of_years_back_is_not_an_emergency_now(
    understanding: Understanding, lang: str, text: str
) -> None:
    assert _flags(understanding, text, lang) == []


def test_a_relatives_symptom_that_has_lasted_days_is_the_patients_now(
    understanding: Understanding,
) -> None:
    text = "بہن کو ۳ دن سے ۱۰۳ بخار ہے۔ گردن اکڑی ہوئی ہے اور روشنی سے آنکھیں چندھیا جاتی ہیں۔"
    assert "meningitis_signs" in {f.code for f in _flags(understanding, text, "ur")}


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "my mother has epilepsy and gets fits. I have a sore throat"),
        ("ur", "ammi ko mirgi ke dore parte hain, mujhe sar dard hai"),
        ("ur", "نانی کو خون کی الٹیاں ہوتی تھیں۔ مجھے صرف تیزابیت ہے"),
        ("ur", "chachu ne 2015 me khudkushi ki thi. mujhe aise khayal nahi aate"),
        ("ar", "خالي عنده صرع، بس أنا عمري ما جاني تشنج"),
    ],
)
def test_a_relatives_lasting_condition_or_past_illness_raises_nothing(
    understanding: Understanding, lang: str, text: str
) -> None:
    assert _flags(understanding, text, lang) == []


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "chest pain when I cough, no tightness or pressure"),
        ("ar", "صدري يعوّرني لما أكح، بس ما فيه ضيقة نفس"),
    ],
)
def test_a_denied_pressure_word_does_not_make_chest_pain_crushing(
    understanding: Understanding, lang: str, text: str
) -> None:
    analysis = understanding.analyze(text, lang)[0]
    chest = [f for f in analysis.findings if f.code == "chest_pain"]
    assert chest and chest[0].character is None
    assert analysis.red_flags == []


@pytest.mark.parametrize(
    ("lang", "text", "flag"),
    [
        ("ar", "ولدي رجّع مرة بعد الغدا، الترجيع ما فيه دم", "vomiting_blood"),
        ("en", "the rash on his tummy goes white when i press a glass on it", "meningitis_signs"),
        (
            "en",
            "what do i do if my dad gets confused again when his sugar drops? he is fine now",
            "confusion",
        ),
        ("ur", "pait mein dard hai, aisa pehle kabhi nahi hua", "thunderclap_headache"),
        ("ur", "naak se khoon aaya tha, paanch minute daba ke ruk gaya", "heavy_bleeding"),
        ("ur", "ناک سے خون نکلا تھا، دبا کر رکھی تو دو منٹ میں رک گیا", "heavy_bleeding"),
        ("ur", "مجھے بیس سال کی عمر میں ایک بار دورہ پڑا تھا، اب نزلہ ہے", "seizure"),
        ("ar", "جاتني نوبة صرع لما كان عمري ١٢ سنة، والحين عندي زكام بس", "seizure"),
        ("ar", "ولدي جاته تشنج لما كان عمره سنتين، والحين عنده زكام", "seizure"),
        ("en", "I fainted once at my cousin's wedding in August 2019, not once since", "fainting"),
        ("ar", "آخر نوبة جتني وأنا في الابتدائي ومن يومها ما جاني شي", "seizure"),
        (
            "ar",
            "نفسي يتقطع إذا طلعت الدرج، بس وأنا جالس أو نايم مرتاح",
            "severe_breathing_difficulty",
        ),
        ("ur", "پچھلی گرمیوں میں مکھی کے ڈنک سے ہونٹ سوج گئے تھے، آج کچھ نہیں", "anaphylaxis"),
        ("ur", "اگر سفر میں شوگر گر گئی اور بے ہوش ہو گیا تو کیا کروں؟", "fainting"),
        ("ur", "agar safar mein sugar gir gayi aur behosh ho gaya to kya karun?", "fainting"),
        (
            "ur",
            "سینے میں درد نہیں اور نہ ہی سانس پھولتی ہے، بس کھانے کے بعد تیزابیت ہے",
            "anaphylaxis",
        ),
        # From the eighth held-out split and round 16, retired into development.
        ("ar", "قرصتني نحلة في يدي وهي منتفخة، بس وجهي عادي وأتنفس زين", "anaphylaxis"),
        ("ar", "ألهث شوي لما أطلع الدرج، وأنا قاعد بتنفس عادي", "severe_breathing_difficulty"),
        (
            "en",
            "my chest hurts since i carried heavy bags upstairs yesterday, it is not like pressure",
            "cardiac_chest_pain",
        ),
        ("en", "a bit breathless on the stairs, fine resting", "severe_breathing_difficulty"),
        (
            "en",
            "Two years back I vomited blood from an ulcer, now only heartburn",
            "vomiting_blood",
        ),
        ("ur", "چھ مہینے سے ماہواری میں بہت زیادہ خون آتا ہے، خون کی کمی بھی ہے", "heavy_bleeding"),
        (
            "ur",
            "بیوی ڈر گئی کہ میرا منہ ٹیڑھا ہو گیا ہے، شیشے میں دیکھا تو سب ٹھیک ہے",
            "stroke_signs",
        ),
        ("ur", "بیٹے کو پچھلے ہفتے بخار میں جھٹکے لگے تھے، اب بالکل ٹھیک ہے", "seizure"),
        (
            "ur",
            "site pe kaam ke baad sar phat raha hai, 5 out of 10, panadol li hai",
            "thunderclap_headache",
        ),
        ("ur", "College ke zamane mein ek dafa behosh hui thi, ab bas thakan hai", "fainting"),
        (
            "ur",
            "Behen ki delivery pe bohat khoon bahaa tha, main bhi pregnant hoon, abhi sab theek",
            "heavy_bleeding",
        ),
        ("ur", "Ammi ko mirgi ke dore parte the, ab meri beti ko do din se zukaam hai", "seizure"),
        # From round 17, retired into development.
        (
            "en",
            "my son is jerking all over on the floor, never had anything like this",
            "thunderclap_headache",
        ),
        ("ar", "ولدي كان يجيه تشنج مع الحرارة وهو صغير، الحين عنده زكام", "seizure"),
        ("ar", "ينقطع نفسي إذا طلعت الدرج، بس وأنا قاعد مرتاح عادي", "severe_breathing_difficulty"),
        # From round 18, retired into development.
        (
            "ur",
            "sidhiyan chadh ke saans phoolti hai, baithe baithe bilkul theek hoon",
            "severe_breathing_difficulty",
        ),
        ("ur", "agar bete ko bukhar mein jhatke aaye to kya karna hai?", "seizure"),
        # From round 19, joined the development split: "nothing goes towards the arm or jaw"
        # denies the spread (not a pain that will not go); a fear that a stroke may come.
        (
            "ur",
            "رات کو بریانی کھا کر لیٹا تو سینے کے بیچ جلن اٹھی، کھٹی ڈکاریں اور منہ کڑوا۔ بازو یا "
            "جبڑے کی طرف کچھ نہیں جاتا، پسینہ بھی نہیں آیا۔",
            "cardiac_chest_pain",
        ),
        ("ur", "sar mein halka dard hai, unko wehem hai kahin falij na ho jaye", "stroke_signs"),
        (
            "ur",
            "مجھے ڈر لگتا ہے اگر رات کو شوگر گر گئی اور میں بے ہوش ہو گئی تو کیا ہوگا",
            "fainting",
        ),
        # A heavy box lifted is not a heavy chest.
        (
            "en",
            "my chest hurts where I press on it since I lifted a heavy box",
            "cardiac_chest_pain",
        ),
        ("ar", "صدري يوجعني لما أضغط عليه من يوم شلت كرتون ثقيل", "cardiac_chest_pain"),
        ("ur", "جب سے بھاری بوری اٹھائی ہے سینے میں درد ہے", "cardiac_chest_pain"),
        # A relative who was a baby once; a hand that will not lift is not a patient who
        # cannot be woken; an older sister's bleeding at her delivery.
        ("ar", "أخوي كان عنده حمى شديدة وهو بيبي، والحين ولدي حرارته ٣٨", "infant_fever"),
        ("ur", "نانا کا اچانک منہ ٹیڑھا ہو گیا اور ہاتھ اٹھ نہیں رہا", "unconsciousness"),
        (
            "ur",
            "baji ki delivery pe bohat khoon beh gaya tha, ab main umeed se hun",
            "heavy_bleeding",
        ),
        # From the eleventh held-out split, retired into development: once at school or in
        # college; an age then against the age now; a seat on a night bus; unsure which
        # tablet; a cut at work with a blade; an allergen with a thick tongue is not a stroke.
        ("en", "passed out once back in college, today only a cough", "fainting"),
        (
            "en",
            "i slept sitting up on the night bus and now my neck is stiff",
            "severe_breathing_difficulty",
        ),
        ("en", "I'm a bit confused which of my tablets to take at night", "confusion"),
        ("ar", "أغمي علي مرة وأنا في الابتدائية ولم يتكرر ذلك", "fainting"),
        ("ar", "جاتني نوبة تشنج بعد حادث وقتها، الحين عمري ٤٠ وما تكررت", "seizure"),
        ("ar", "ولدي جاته تشنجات مع الحرارة وهو عمره سنه، الحين عمره ٤ وعنده كحة", "seizure"),
        ("ur", "bhai 3 saal ka tha to bukhar me jhatke aaye the, ab sirf zukaam hai", "seizure"),
        ("ur", "kaam pe blade se ungli kat gayi, thora sa khoon nikla", "suicide_risk"),
        ("ar", "أكلت بسكوت فيه فستق والحين لساني تقيل", "stroke_signs"),
        # From the twelfth held-out split, retired into development.
        ("en", "ate satay and now my tongue feels thick", "stroke_signs"),
        (
            "en",
            "had fits as a teenager, stopped the tablets at 20, no fits since, just need my "
            "licence form",
            "seizure",
        ),
        (
            "ur",
            "college mein ek dafa khoon dekh ke behosh ho gaya tha, aaj sirf checkup",
            "fainting",
        ),
        ("ur", "کالج کے دنوں میں ایک بار بے ہوش ہو گیا تھا، آج صرف چیک اپ", "fainting"),
        (
            "ur",
            "meri bhanji ko kal daura para tha, main pareshan hun aur so nahi pa rahi",
            "seizure",
        ),
        ("ar", "الدورة هالمرة مو طبيعية وأحس بتعب", "confusion"),
        # From the thirteenth held-out split, retired into development.
        ("ar", "اغمي علي مرة وانا مراهق، من بعدها ما صار لي شي", "fainting"),
        # From the fourteenth: a blocked nose; bleeding in a first pregnancy.
        ("ar", "ما اقدر اتنفس من خشمي من الزكام", "severe_breathing_difficulty"),
        ("en", "cant breathe through my nose with this cold", "severe_breathing_difficulty"),
        (
            "en",
            "after my first baby I lost a lot of blood. now pregnant again and feeling well",
            "pregnancy_emergency",
        ),
        ("ar", "نزفت بالحمل الاول، الحين حامل ومرتاحه", "pregnancy_emergency"),
        # From the fifteenth: a negative test; breathless only on exertion; a reaction told
        # as what a food always does (the Urdu "تو", "then", is not the Gulf "تو", "just now").
        ("ar", "الدورة غزيرة هالشهر، سويت فحص حمل وطلع سلبي", "pregnancy_emergency"),
        ("ar", "انقطع نفسي شوي إذا ركضت، وأنا قاعد مرتاح عادي", "severe_breathing_difficulty"),
        ("ur", "مونگ پھلی کھاؤں تو ہونٹ سوج جاتے ہیں، آج صرف نزلہ ہے", "anaphylaxis"),
        (
            "en",
            "Allergic to shellfish (my lips swell up), today I only have a cough",
            "anaphylaxis",
        ),
        # From the sixteenth: "nothing like the worst" denies it; fine sitting; a rash on the
        # hands and legs is not a one-sided weakness.
        ("en", "mild headache, 3/10, nothing like the worst ever", "thunderclap_headache"),
        ("ar", "بنهج شوية على السلم بس وأنا قاعد كويس خالص", "severe_breathing_difficulty"),
        ("ar", "طالعة عندي حبوب حمر تحك بإيدي ورجلي من الصابون", "stroke_signs"),
        # From the seventeenth: an overdose at university twelve years ago; bleeding "nothing
        # soaking through"; a pregnant woman who denies belly pain; a blanching rash.
        (
            "en",
            "I took an overdose back at uni, 12 years ago now, and I'm doing really well",
            "suicide_risk",
        ),
        (
            "en",
            "The bleeding itself is normal, nothing soaking through, and I'm not pregnant",
            "heavy_bleeding",
        ),
        ("ar", "أنا حامل في الشهر السابع وما عندي وجع بطن", "pregnancy_emergency"),
        ("ur", "میں حاملہ ہوں اور پیٹ میں کوئی درد نہیں، بس متلی ہے", "pregnancy_emergency"),
        # From the eighteenth: a rash that fades under a glass; a numb face after the
        # dentist's injection; a brother's heart attack ("dil ka daura") is not a fit.
        ("ar", "حرارة ٣٨ وطلع عليها حبوب حمر بس لما ضغطت عليهن بالكاسة راحوا", "meningitis_signs"),
        ("ur", "بخار ہے اور لال دانے نکلے ہیں جو دبانے سے مٹ جاتے ہیں", "meningitis_signs"),
        ("ar", "طلعت من عند دكتور الأسنان ونص وجهي مخدر من البنج، عادي؟", "stroke_signs"),
        ("ur", "seene mein dard hai. unke bare bhai ko bhi dil ka daura para tha", "seizure"),
        # From the nineteenth: fainting at the sight of blood as a teenager; chest pain that
        # does not go to the arm or jaw ("بازو یا جبڑے میں نہیں جاتا").
        (
            "ur",
            "Teenage mein 2 dafa khoon dekh ke behosh hui thi. Kal blood test hai",
            "fainting",
        ),
        (
            "ur",
            "سینے کے دائیں طرف پسلیوں پر دبانے سے درد ہوتا ہے۔ بازو یا جبڑے میں نہیں جاتا",
            "cardiac_chest_pain",
        ),
        # From the twenty-first: a tension headache that is "nothing sudden or severe"; a
        # sudden fit long ago; a rash that fades under a glass.
        (
            "en",
            "I get ordinary tension headaches maybe twice a month, nothing sudden or severe.",
            "thunderclap_headache",
        ),
        ("en", "My dad got a sudden fit once as a boy", "seizure"),
        # A relative already in hospital is cared for there, not the patient being brought.
        (
            "en",
            "My nan fainted at church and she's in hospital now, I'm her main carer",
            "fainting",
        ),
        (
            "ar",
            "أختي حامل وصار عندها نزيف أمس وهي الحين في المستشفى. أنا بس أبي موعد لنفسي",
            "pregnancy_emergency",
        ),
        (
            "ur",
            "میرے چچا کو خون کی الٹیاں ہوئیں اور وہ ہسپتال میں داخل ہیں۔ میں اپنے لیے پوچھ رہا ہوں",
            "vomiting_blood",
        ),
        (
            "ur",
            "Mere walid ko seene mein dard hua, ab hospital mein admit hain. Mujhe khansi hai",
            "cardiac_chest_pain",
        ),
        (
            "ur",
            "بچے کے پیٹ پر سرخ دانے ہیں، گلاس سے دبائیں تو مٹ جاتے ہیں۔ بخار بالکل نہیں",
            "meningitis_signs",
        ),
        (
            "ur",
            "داڑھ میں درد ہے اور گال پر ہلکی سوجن۔ "
            "Penicillin سے الرجی ہے، سانس پھول جاتا ہے اس سے۔",
            "anaphylaxis",
        ),
        # From the twenty-third: a fit denied after "ولا صار عندي"; a faint five years ago at a
        # blood test; a sister who fainted yesterday, the speaker writing for herself; a hand
        # that will not lift is not a patient who cannot be woken.
        ("ar", "عندي دوخة خفيفة، بس ما غبت عن الوعي ولا صار عندي تشنج", "seizure"),
        (
            "ar",
            "حسيت حالي رح يغمى علي بس ما وقعت. من خمس سنين أغمي علي مرة وقت سحب دم",
            "fainting",
        ),
        (
            "ur",
            "Meri behan kal behosh ho gayi thi, doctor ne dekh liya hai. Main apne liye likh "
            "rahi hoon: zukaam hai",
            "fainting",
        ),
        (
            "ur",
            "Nani ka munh achanak ek taraf latak gaya hai, daayan haath bhi uth nahi raha",
            "unconsciousness",
        ),
        # From the twenty-fourth: a rash that fades under the glass; a nephew's fits, the speaker
        # writing about herself; self-harm at school, years ago; fits in school days; breathless
        # on stairs, fine lying down; a haemorrhage after a first birth.
        (
            "en",
            "Temp 38.5 and a red rash on her arms, I did the glass test and it fades",
            "meningitis_signs",
        ),
        (
            "en",
            "My nephew has fits and takes epilim, but this is about me: my fingers tingle",
            "seizure",
        ),
        ("ar", "جرحت حالي لما كنت بالمدرسة، هلق منيحة الحمدلله", "suicide_risk"),
        ("ur", "سکول کے زمانے میں دورے پڑتے تھے، اب کبھی نہیں پڑا", "seizure"),
        (
            "ur",
            "Seerhiyan charh ke saans phool jati hai, baithe ya lete hue bilkul theek rehti hoon",
            "severe_breathing_difficulty",
        ),
        (
            "en",
            "Pregnant again and feeling sick. I had a big haemorrhage after my first was born",
            "heavy_bleeding",
        ),
        # From the twenty-fifth: sneezing fits; a grandfather's long dementia, "not new"; getting
        # up with a jerk; a long thought of self-harm denied.
        ("en", "Sneezing fits and a blocked nose every spring", "seizure"),
        # A relative's pregnancy with the bleeding denied, or long ago.
        ("en", "My sister is pregnant and there's no bleeding at all", "pregnancy_emergency"),
        (
            "en",
            "My sister had some bleeding when she was pregnant years ago",
            "pregnancy_emergency",
        ),
        ("ar", "أختي حامل وما عندها نزيف أبدا", "pregnancy_emergency"),
        ("ar", "أختي لما كانت حامل قبل سنتين كان عندها نزيف", "pregnancy_emergency"),
        ("ur", "بہن حاملہ ہے اور کوئی خون نہیں آ رہا", "pregnancy_emergency"),
        ("ur", "میری بہن کو پچھلے حمل میں اچانک خون آنے لگا تھا", "pregnancy_emergency"),
        ("ar", "جدي عنده زهايمر من سنين، أحيانًا ما يعرفنا، وهذا مو جديد عليه", "confusion"),
        ("ur", "جھٹکے سے اٹھوں تو آنکھوں کے سامنے اندھیرا آتا ہے", "seizure"),
        (
            "ur",
            "خود کو نقصان پہنچانے یا مرنے کا کوئی خیال نہیں آتا، بس پریشانی ہے",
            "suicide_risk",
        ),
        # From the twenty-sixth: a faint as a teenager; a long thought denied; weakness after
        # a faint is a faint's.
        ("en", "I fainted once at a blood test when I was 16, can I lie down for it?", "fainting"),
        (
            "ur",
            "khudkushi ya apne aap ko nuqsan ka koi khayal nahi, bas energy nahi hai",
            "suicide_risk",
        ),
        (
            "ur",
            "میری بیوی اچانک بے ہوش ہو کر گر گئی۔ اب ہوش میں ہے لیکن بہت کمزوری ہے۔",
            "stroke_signs",
        ),
        (
            "ur",
            "aaj subah namaz ke baad ammi achanak gir gayin aur kuch der hosh nahi tha. ab hosh "
            "mein hain lekin bohat kamzori hai.",
            "stroke_signs",
        ),
        # From the twenty-seventh: a grandmother's confusion before "this message is about
        # me"; what an allergen always does; a year named.
        (
            "en",
            "Gran has dementia and gets muddled, but this message is about me: dry tickly cough",
            "confusion",
        ),
        (
            "en",
            "Knee's swollen after a hike. I'm allergic to aspirin and ibuprofen, they make me "
            "wheezy. What can I take?",
            "anaphylaxis",
        ),
        (
            "ur",
            "2019 mein ulcer ki wajah se khoon ki ulti hui thi, tab se Nexium 40 roz ek leta hun.",
            "vomiting_blood",
        ),
        # From the twenty-eighth: a fit at a told age, a fit "that is, N years ago", a faint
        # "and since then nothing", breath that does not come short, a relative fine now.
        (
            "en",
            "My daughter had a febrile convulsion when she was 2. Today just a runny nose",
            "seizure",
        ),
        (
            "ar",
            "آخر نوبة صرع جاتني وأنا صغير، يعني قبل ١٥ سنة. اليوم عندي زكام",
            "seizure",
        ),
        ("ar", "أغمى علي مرة في الحر وأنا صايم، ومن ساعتها مفيش. اليوم عندي حكة", "fainting"),
        ("ur", "بچی کو کھانسی ہے، سانس نہیں پھولتا", "severe_breathing_difficulty"),
        # From the twenty-ninth: short Urdu denials that came close to the short emergency
        # "سانس نہیں آ رہا، بات نہیں ہو رہی" by resemblance.
        ("ur", "ٹخنے سوجے رہتے ہیں۔ سانس میں کوئی مسئلہ نہیں۔", "severe_breathing_difficulty"),
        ("ur", "چھینکیں آ رہی ہیں۔ بخار ابھی تک نہیں ہوا۔", "severe_breathing_difficulty"),
        # From the twenty-ninth: a life one is "fed up with, sure" beside a denial of doing
        # anything to oneself.
        (
            "ur",
            "کام سے تنگ ہوں، زندگی سے تنگ ضرور ہوں لیکن خود کو کچھ کرنے کا کبھی نہیں سوچا",
            "suicide_risk",
        ),
        # From the twenty-second: a mosquito bite swollen where it bit, the face and breath
        # denied.
        (
            "ar",
            "قرصتني ناموسة في رجلي ومكانها احمر ومنفوخ شوية، بس مفيش ورم في وشي ولا عندي مشكلة "
            "في النفس",
            "anaphylaxis",
        ),
        # Sweat, not blood; fits long past; a niece's fits beside one's own child now; a car's
        # jolts.
        (
            "en",
            "played football in the heat, my shirt is soaked through, just a cough",
            "heavy_bleeding",
        ),
        ("en", "epileptic since childhood on keppra, no fits since 2021, need a repeat", "seizure"),
        ("ar", "بنت أختي عندها تشنجات مع الحرارة، وبنتي الحين حرارتها ٣٨، ما تشنجت", "seizure"),
        (
            "ur",
            "میری بھانجی کو بخار میں دورے پڑتے ہیں، اور میری بیٹی کو ابھی بخار ہے، دورہ نہیں پڑا",
            "seizure",
        ),
        ("ur", "ٹیکسی میں ہوں، پیٹ میں ہلکا درد ہے اور سڑک کے ہر جھٹکے پر بڑھ جاتا ہے", "seizure"),
        # A strained muscle hurts when the arm moves; a numb lip after the dentist with the
        # smile the same; short of breath on exertion only.
        (
            "en",
            "pulled a muscle at the gym, my chest hurts when I lift my arm, no sweating",
            "cardiac_chest_pain",
        ),
        (
            "en",
            "half my lip is numb since the dentist injection an hour ago, my smile looks the same",
            "stroke_signs",
        ),
        (
            "ar",
            "ينقطع نفسي شوي لما أمشي بسرعة، بس وأنا قاعد عادي ما فيني شي",
            "severe_breathing_difficulty",
        ),
        (
            "ur",
            "کندھے کی ورزش کے بعد بازو اٹھاؤں تو سینے کے پٹھوں میں کھنچاؤ ہوتا ہے، پسینہ نہیں",
            "cardiac_chest_pain",
        ),
        # A fit in the teens, none since; a neck stiff from driving is not a fit.
        ("en", "I had fits as a teenager, none for ten years", "seizure"),
        ("ar", "رقبتي تتخشب من المكيف بس ما عندي حرارة", "seizure"),
        (
            "ar",
            "أنهج شوي لما أطلع الدرج، بس وأنا قاعد أو راقد نفسي طبيعي",
            "severe_breathing_difficulty",
        ),
        # Round 21: a chest that hurts when pressed or when the arm is stretched is strained.
        ("ar", "بعد تمرين أمس صدري يعورني لما أضغط عليه أو أمد يدي", "cardiac_chest_pain"),
        (
            "en",
            "my chest hurts where I press on it and when I stretch my arm",
            "cardiac_chest_pain",
        ),
        # A faint a year ago ('saal bhar pehle') is past.
        ("ur", "Saal bhar pehle blood dete hue behosh ho gaya tha, aaj theek hun", "fainting"),
        # Everyday words that only look like the new emergency wordings of rounds 21 and 35.
        ("en", "my back is stiff as a plank and sore after the long flight", "seizure"),
        ("ur", "میرا کورونا ٹیسٹ پازیٹو آیا ہے اور پیٹ میں درد ہے", "pregnancy_emergency"),
        ("ur", "Mera daant dheela par gaya hai aur bolne me takleef hai", "stroke_signs"),
        ("ar", "ولدي أول ما ينسدح يكح شوي", "severe_breathing_difficulty"),
        ("en", "she went down in the lift to get coffee and came back fine", "fainting"),
        (
            "en",
            "I can talk normally and sleep lying flat, a little out of breath on the stairs",
            "severe_breathing_difficulty",
        ),
        ("ar", "بنتي كان عندها صرع وهي صغيرة، وآخر نوبة كانت من ست سنين", "seizure"),
        (
            "ur",
            "میں امید سے ہوں۔ پہلے حمل میں شروع میں خون آیا تھا، اس بار کوئی خون نہیں آیا",
            "pregnancy_emergency",
        ),
        (
            "ur",
            "بخار ہے اور دانے نکلے، گلاس سے دبا کر دیکھا تو دانے غائب ہو جاتے ہیں",
            "meningitis_signs",
        ),
        ("ur", "sar me dard hai. Koi jhatka, behoshi ya zaban katne wali baat nahi hui", "seizure"),
        ("ar", "ولدي حرارته ٣٨ ونص وجسمه يرجف من البرد، بس هو واعي ويرد علي", "stroke_signs"),
        ("ar", "كان عندي صرع وأنا صغير، آخر نوبة من 12 سنة", "seizure"),
        (
            "ur",
            "سیڑھیاں چڑھوں تو تھوڑا سانس پھول جاتا ہے۔"
            " ہونٹ نیلے ہونا یا لیٹ کر سانس رکنا ایسا کچھ نہیں",
            "severe_breathing_difficulty",
        ),
        # Denials said as the reply to a question (round 23 of the development split).
        (
            "en",
            "I asked my dad whether he ever thinks about ending his life, he said no, never",
            "suicide_risk",
        ),
        ("ar", "سألت اخوي اذا يفكر يأذي نفسه، ضحك وقال لا والله ابد، بس ضغط شغل", "suicide_risk"),
        (
            "ur",
            "بیٹے سے پوچھا کبھی خود کو نقصان پہنچانے کا خیال آیا؟ کہنے لگا نہیں ابو، کبھی نہیں",
            "suicide_risk",
        ),
        ("ur", "gardan akri hui hai? nahi ji, bas halka bukhar hai kal se", "meningitis_signs"),
        ("ar", "حامل في الشهر الرابع، وسألتيني عن النزيف؟ لا، ولا نقطة دم", "pregnancy_emergency"),
        ("ur", "الٹی میں خون؟ نہیں جی، بس کھانا نکلا تھا دو دفعہ", "vomiting_blood"),
        # What came before "since that day" is the past.
        (
            "ar",
            "مره عطوني ابرة فولتارين وضاق نفسي، ومن يومها ما اخذها. الحين بس عندي صداع",
            "anaphylaxis",
        ),
        # A year tells the past.
        (
            "ur",
            "۲۰۱۸ میں معدے سے خون آیا تھا، ہسپتال میں داخل رہا، اب سب ٹھیک ہے",
            "vomiting_blood",
        ),
        # Iron or bismuth turns stools black; resemblance may not raise what the rules held
        # back for it.
        ("en", "I started iron tablets last week and my stools are black", "gi_bleeding"),
        (
            "ur",
            "ڈاکٹر نے Ferrous sulfate دی ہے، تب سے پاخانہ کالا سا آتا ہے، پیٹ میں درد نہیں",
            "gi_bleeding",
        ),
        ("ur", "Dast ke liye Pepto Bismol pee thi, ab potty kaali ho gayi hai", "gi_bleeding"),
        # A joke owned as one; a past reaction avoided since.
        (
            "ur",
            "Boss ne itna kaam diya ke dil karta hai chhat se chhalang laga dun haha. Mazaak hai, "
            "aisa koi khayal nahi",
            "suicide_risk",
        ),
        (
            "ar",
            "أكلت فستق عبيد بعرس، نفخ وجهي كلو وصار نفسي يضيق، ومن وقتها ما بقربه. "
            "الحين عندي إسهال",
            "anaphylaxis",
        ),
        (
            "en",
            "If I sit in this traffic one more day I'll kill myself yaar, joking, no thoughts "
            "like that",
            "suicide_risk",
        ),
    ],
)
def test_what_is_over_past_reassuring_or_asked_stays_silent(
    understanding: Understanding, lang: str, text: str, flag: str
) -> None:
    assert flag not in {f.code for f in _flags(understanding, text, lang)}


# A child who cannot get words out while fighting for breath has no breath to speak with: a
# breathing emergency, not a stroke, and the speech is recorded as the breathlessness.
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "my son is gasping for air and can't get his words out"),
        ("ar", "ابني عمره ٤ سنوات وعنده ربو، الحين شفايفه زرقا ويلهث وهو قاعد وما يقدر يتكلم"),
        ("ur", "بیٹے کو سانس نہیں آ رہی اور بات نہیں کر پا رہا"),
        (
            "ur",
            "beti ke honth neele par rahe hain, saans bilkul nahi aa rahi, bol bhi nahi pa rahi",
        ),
    ],
)
def test_speech_lost_for_breath_is_not_a_stroke(
    understanding: Understanding, lang: str, text: str
) -> None:
    analysis, _ = understanding.analyze(text, lang)  # type: ignore[arg-type]
    codes = {f.code for f in analysis.red_flags}
    assert "severe_breathing_difficulty" in codes
    assert "stroke_signs" not in codes
    assert "slurred_speech" not in {f.code for f in analysis.findings}


# Stroke signs with the breath: the face or the arm keeps the stroke.
def test_a_drooping_face_keeps_the_stroke_beside_the_breath(understanding: Understanding) -> None:
    text = "he suddenly can't talk properly and his face is drooping, he is gasping"
    codes = {f.code for f in _flags(understanding, text, "en")}
    assert {"stroke_signs", "severe_breathing_difficulty"} <= codes


# Someone else's illness told before the speaker's own reason for coming is theirs: family
# history, not the patient's finding, and no emergency for the patient.
@pytest.mark.parametrize(
    ("lang", "text", "code"),
    [
        (
            "en",
            "My colleague fainted in the pantry this morning, she's ok now. "
            "I'm only here for my cough, 4 days",
            "fainting",
        ),
        (
            "ur",
            "Colleague kal site pe behosh ho gaya tha. Mujhe bas halka sar dard hai.",
            "fainting",
        ),
        ("ur", "ہمارے فورمین کل گرمی میں بے ہوش ہوئے۔ مجھے بس ہلکا سر درد ہے۔", "fainting"),
        (
            "ar",
            "أمي أغمى عليها أمس في العرس وهي الحين بخير. أنا أكتب عن نفسي: خشمي يسيل من ٣ أيام",
            "fainting",
        ),
        (
            "ur",
            "Mere bete ko kal school mein daura para tha. Ab apne liye puchh rahi hoon, "
            "3 din se zukaam hai",
            "seizure",
        ),
    ],
)
def test_someone_elses_illness_beside_the_speakers_own_visit_is_theirs(
    understanding: Understanding, lang: str, text: str, code: str
) -> None:
    analysis, _ = understanding.analyze(text, lang)  # type: ignore[arg-type]
    assert analysis.red_flags == []
    theirs = [f for f in analysis.findings if f.code == code]
    assert theirs and all(f.context == "family" for f in theirs)
    assert any(f.context == "current" and f.present for f in analysis.findings)


# Asking what to do for the one brought is no visit of the speaker's own: the emergency stands.
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ur", "Bhai abhi zameen pe gir gaya aur jhatke aa rahe hain, mujhe bas batao kya karun"),
        (
            "en",
            "My colleague just collapsed at his desk and isn't answering, I'm only here for him",
        ),
        ("ar", "زميلي طاح فجأة وما يرد علينا، أنا بس أبي أعرف وش أسوي"),
    ],
)
def test_help_asked_for_the_one_brought_keeps_the_emergency(
    understanding: Understanding, lang: str, text: str
) -> None:
    assert _flags(understanding, text, lang)


# Unsure about tablets or forms is no confused patient; a thought said in jest and then denied
# after the commas is denied; a heavy heart ("dil bujha bujha") is low mood, not chest pain.
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "I'm a little confused about my BP tablets since the doctor changed them"),
        ("en", "Honestly I get so confused by these insurance forms haha. I need my refill"),
        ("ur", "Mein khud confuse ho gaya hun ke kaunsi goli kab leni hai, sugar 130 rehti hai"),
        ("ur", "میں خود کنفیوز ہو گیا ہوں کہ کون سی گولی کب لینی ہے"),
        (
            "ur",
            "رش دیکھ کے تو دل کرتا ہے خودکشی کر لوں، ہاہا، خیر ایسا کوئی خیال نہیں۔ گلا خراب ہے",
        ),
        (
            "ur",
            "dil karta hai khudkushi kar lun, haha, khair aisa koi khayal nahi. Gala kharab hai",
        ),
        ("ur", "Duty ka pressure itna hai ke dil bujha bujha rehta hai"),
        (
            "ur",
            "mere mamo ne khudkushi ki thi, mere dmaag me aysa koi khyal nahi ata khud ko nuksan "
            "pohnchane ka, bs 4 din se thaka thaka rehta hu",
        ),
    ],
)
def test_a_word_of_an_emergency_in_another_sense_raises_nothing(
    understanding: Understanding, lang: str, text: str
) -> None:
    assert _flags(understanding, text, lang) == []


@pytest.mark.parametrize(
    ("lang", "text", "flag"),
    [
        ("en", "my dad is confused about where he is and doesn't know us", "confusion"),
        ("ur", "Abbu achanak confuse ho gaye hain, kisi ko pehchan nahi rahe", "confusion"),
        ("ur", "دل کرتا ہے خودکشی کر لوں", "suicide_risk"),
        (
            "ur",
            "dil bujha bujha rehta hai aur seene mein shadeed dard hai, pasina aa raha hai",
            None,
        ),
    ],
)
def test_the_emergency_stands_beside_those_other_senses(
    understanding: Understanding, lang: str, text: str, flag: str | None
) -> None:
    codes = {f.code for f in _flags(understanding, text, lang)}
    assert (flag in codes) if flag else codes


# A pregnancy told by its weeks alone ("Wife is 32 weeks") is a pregnancy; a baby's age in
# weeks is not.
def test_a_pregnancy_told_by_its_weeks_is_a_pregnancy(understanding: Understanding) -> None:
    text = "Wife is 32 weeks. She's bleeding bright red, it's running down her legs."
    assert "pregnancy_emergency" in {f.code for f in _flags(understanding, text, "en")}
    analysis, _ = understanding.analyze("my baby is 6 weeks old and has a cough", "en")
    assert "pregnancy" not in {f.code for f in analysis.findings}


# Near misses of the held-out splits whose misses were read, one comment per split: each must
# raise nothing, neither by the rules nor by resemblance.
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # Thirty-ninth split: a sneezing fit is no fit, iron misspelt still explains black stools,
        # a relative's brain haemorrhage is no bleeding now, and thoughts of self-harm that used
        # to come are past.
        ("ur", "dhool mein jaun to cheenkon ka daura par jata hai, Cetirizine leti hun"),
        ("ur", "gard mein چھینکوں کا دورہ پڑ جاتا ہے"),
        ("ur", "Ferous sulphate 200 roz leta hun, 1 hafte se potty kaali aa rahi hai, dard nahi"),
        ("ur", "Khala ko brain hemorrhage hua tha 2 saal pehle. Mujhe zukaam hai 3 din se"),
        ("en", "My uncle had a brain haemorrhage years ago. I have a sore throat"),
        ("ur", "دو سال پہلے خود کو نقصان پہنچانے کا سوچتی تھی، اب ایسے خیال نہیں آتے"),
        ("ur", "2 saal pehle khud ko nuqsan pohnchane ka sochti thi, ab aise khayal nahi aate"),
        ("en", "the speed bumps on the way here made my back ache, no rash"),
        # Forty-first split: a stranger's faint, a son's fit told before the speaker's own
        # complaint, a first delivery's bleeding, a numb face after the dentist, a past summer's
        # faint, a heart attack "that will come", breathlessness on stairs only, a joke owned as
        # one, a father's lasting weakness after a past stroke, a sister already on the ward.
        ("en", "A man in front of me at the bus stop fainted, I stayed with him. I'm ok"),
        ("en", "My son had a fit at school today, he's home. I'm asking for me, sore throat"),
        ("ar", "بولادتي الأولى نزفت كثير. الحين حامل بالثاني وكل شي تمام"),
        ("ar", "طالع من عند دكتور الأسنان، نص وجهي وشفتي مخدرين"),
        ("ur", "کل کلاس میں ایک لڑکی بےہوش ہو گئی تو میں بھی ڈر گئی، مجھے بھی چکر آتا ہے"),
        ("ur", "پچھلی گرمیوں میں بس اسٹاپ پر بے ہوش ہو کر گر گیا تھا، اس کے بعد کبھی نہیں"),
        ("ur", "اتنا کام ہے کہ دل کا دورہ پڑ جائے گا 😂 سینے میں کوئی درد نہیں"),
        ("ur", "سیڑھیاں چڑھوں تو سانس پھول جاتا ہے، بیٹھے بیٹھے بالکل ٹھیک رہتا ہوں"),
        ("ur", "dil karta hai chhat se chhalaang laga doon 😂 mazaq kar raha hoon. kamar dard hai"),
        ("ur", "Abbu ko pichle saal falij hua tha, aadha jism ab tak kamzor hai. Mujhe BP hai"),
        (
            "ur",
            "Behen ko subah daura para, ambulance le gayi, ab ward mein hai. Mujhe sar dard hai",
        ),
        # Forty-second split: a joke followed by "but seriously", a sister in treatment after a
        # past attempt, a stiff neck with a normal temperature, a numb face after the dentist, a
        # bleed that stopped, a stranger's fit at a bus stop, a medicine avoided for what it once
        # did.
        ("ar", "نفسي أرمي نفسي من البلكونة 😂 بس بجد أنا كويسة، عايزة حاجة للصداع"),
        ("ar", "أختي حاولت تأذي حالها الشهر الماضي وهلأ هي عم تتعالج. أنا منيحة"),
        ("ar", "ولدي رقبته مشدودة من البلايستيشن. قست له الحرارة وطلعت عادية"),
        ("ar", "ونص وجهي خدران وشفتي ثقيلة من البنج، بس أبتسم عادي ويدي زينة"),
        ("ur", "انگلی پر چھری لگ گئی، دبا کر رکھا تو خون بند ہو گیا، ٹانکے کی ضرورت ہے؟"),
        (
            "ur",
            "بس اسٹاپ پر ایک آدمی کو دورہ پڑا، میں نے اس کا سر گود میں رکھا جب تک ایمبولینس آئی",
        ),
        (
            "en",
            "this exam will make me jump off the roof 😂 but seriously I'm fine, just a headache",
        ),
        ("en", "she cant have calpol, last time it made her face swell. Chicken pox, very itchy"),
        # Forty-third split: an egg allergy that brings a child out in hives beside a tummy bug,
        # breathless on the stairs but fine sitting or lying, "الكل" (everyone) before a denial,
        # a list of signs denied as "none of these", dying of exam stress as a figure of speech.
        (
            "en",
            "my son has been vomiting since yesterday. he's allergic to eggs, they bring him "
            "out in hives",
        ),
        ("ar", "أنهج إذا مشيت بسرعة، بس وأنا قاعد أو نايم نفسي عادي"),
        ("ar", "أنسى أسماء الناس أحيانًا، بس أعرف الكل وما عندي أي لخبطة"),
        (
            "ur",
            "چائے کے بعد دل تیز دھڑکتا ہے۔ سینے میں درد، سانس پھولنا یا چکر، ان میں سے کچھ نہیں",
        ),
        ("ur", "Seene mein dard, saans phoolna ya chakkar, in mein se kuch nahi. Bas khansi"),
        ("ur", "امتحان کی ٹینشن سے تو ویسے ہی مر جاؤں گا ہاہا۔ بس زکام ہے"),
        ("ur", "dawai ek saath kha lun ya alag alag? pet mein gas hai"),
        # A joke owned as one takes back its whole clause, over the "ہی" that reads as "ہے" and
        # a "hai", and a laugh followed by the real complaint takes it back too.
        ("ur", "نتیجہ دیکھ کر لگتا ہے خودکشی ہی کر لوں 😂 مذاق ہے، بس سر درد ہے"),
        (
            "ur",
            "office ka kaam dekh ke khudkushi ka dil karta hai 😂 asal masla ye hai ke zukaam hai",
        ),
        # The forty-fourth held-out split's false alarms, in other words.
        ("ar", "زميلي في الشغل أغمى عليه اليوم من الحر وودوه المستشفى. أنا بقى عندي زكام من يومين"),
        ("ar", "گبل ثلاث سنين طحت مغمى علي بالعرس، هسه زين وبس أريد فحص دم"),
        ("ar", "كان عندي صرع وأنا صغيرة، آخر نوبة جاتني من ٢٠ سنة، وبس أبي أجدد الوصفة"),
        ("ur", "شادی میں ایک انکل گرمی سے بے ہوش ہو گئے تھے۔ مجھے بس نزلہ ہے"),
        ("ur", "کھڑے ہوتے ہی ذرا سا چکر آتا ہے، کبھی گری نہیں نہ بے ہوش ہوئی"),
        ("ur", "شام کو ہلکا سر درد ہوتا ہے، اچانک یا بہت تیز والا درد کبھی نہیں ہوا"),
        (
            "ur",
            "mere bete ko jab 3 saal ka tha bukhar mein jhatke aaye thay, ab 7 saal ka hai aur "
            "sirf khansi hai",
        ),
        (
            "ur",
            "exam ka result dekh ke to main behosh hi ho jaunga 😅 mazaaq tha, bas sar dard hai",
        ),
        # A rash that fades under a glass, in words the non-blanching list held inside them.
        (
            "ur",
            "Beti ko bukhar hai aur jism pe laal daane hain, glass se dabane par gayab ho jate "
            "hain",
        ),
        # A colleague's faint told before "I only came for" the speaker's own headache.
        (
            "ar",
            "زميلي في الدوام طاح مغمى عليه اليوم الصبح وودوه بالإسعاف. أنا جاي بس عشان صداع من أمس",
        ),
    ],
)
def test_near_misses_of_the_held_out_splits_raise_nothing(
    understanding: Understanding, lang: str, text: str
) -> None:
    assert _flags(understanding, text, lang) == []
