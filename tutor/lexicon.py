"""The safeguarding classifier's cues (tutor/safety.py): for each category, patterns over a
message's normalised words with a weight each, and the harmless contexts that take weight
away ("the plant died", "this homework is killing me"). A message belongs to the category
whose cues add up to the most, if that reaches THRESHOLD; the matched cues are kept, so
every decision can be explained to the adult who reviews it.

Patterns see the message folded to lower case without accents, with look-alike digits read
as letters, letters repeated three times or more cut to two and near-misspellings of the
key words corrected (tutor/safety.py `normalise`). They are written as families of stems
and phrases, not as whole sentences: "want to die", "wanna die", "ready to die" are one cue.
"""

import re
from dataclasses import dataclass
from enum import Enum
from functools import cache


class Category(Enum):
    SELF_HARM = "self_harm"
    ABUSE = "abuse"  # abuse, neglect or danger the child discloses
    VIOLENCE = "violence"
    SEXUAL = "sexual"
    DRUGS = "drugs"  # drugs, alcohol, smoking
    PERSONAL_DATA = "personal_data"  # another person's data or credentials
    BULLYING = "bullying"
    OFF_TOPIC = "off_topic"
    STEERING = "steering"  # an attempt to steer the tutor (prompt injection)


@dataclass(frozen=True)
class Cue:
    name: str
    weight: float
    source: str  # the pattern, compiled on first use (`compiled`): start-up stays quick

    @property
    def pattern(self) -> re.Pattern[str]:
        return compiled(self.source)


@cache
def compiled(source: str) -> re.Pattern[str]:
    return re.compile(source)


THRESHOLD = 2.0


def _cues(*entries: tuple[str, float, str]) -> tuple[Cue, ...]:
    return tuple(Cue(name, weight, pattern) for name, weight, pattern in entries)


# Word families shared by several categories.
ME = r"(?:my ?self|mysef|meself|my own self)"
PEOPLE = (
    r"(?:him|her|them|someone|somebody|some one|anyone|people|persons?|a person|boys?|girls?|"
    r"bull(?:y|ies)|teachers?|man|men|kids|students|pupils|classmates?|form (?:one|two|three|"
    r"four)s?|seniors|juniors|head|face|house|brother|sister|neighbou?r)"
)
ADULT = (
    r"(?:uncle|aunt\w*|father|dad\w*|baba|papa|mother|mum\w*|mom\w*|mama|step ?\w+|brother|"
    r"sister|cousin|grand\w*|teacher|pastor|priest|imam|parents?|guardian|mzee|man|men|boss|"
    r"neighbou?r|madam|sir|coach|driver|he|she|they)"
)
HURT = (
    r"(?:beat\w*|hit|hits|hitting|slap\w*|kick\w*|punch\w*|whip\w*|cane[sd]?|caning|burn\w*|"
    r"lock\w*|tie[sd]?|tying|starv\w*|threaten\w*|touch\w*|rape\w*|abus\w*|hurt\w*|chok\w*|"
    r"strangl\w*|pinch\w*|bit|bites)"
)
NAMED_DRUG = (
    r"(?:waragi|changaa|chang'?aa|kachasu|busaa|pombe|vodka|whisky|whiskey|weed|bhang|"
    r"marijuana|ganja|mirungi|miraa|khat|cocaine|heroin|meth|tramadol|kuber|shisha|vapes?|"
    r"vaping|cigarettes?|ciggies)"
)
INTENT = (
    r"(?:how (?:do|can|should|could|would) (?:i|we|you|one|a person)|how to|how much|"
    r"how many|where (?:can|do|to|could|should) (?:i|we|you)?|i (?:want|wanna|need|can|could|"
    r"will|am going|m going|plan)|i'?m going|should i|can i|can we|let'?s|help me|teach me|"
    r"show me|tell me how|to get|to feel|to try|trying|want to|wanna|gonna|going to)"
)

CUES: dict[Category, tuple[Cue, ...]] = {
    Category.SELF_HARM: _cues(
        (
            "hurting oneself",
            2.5,
            rf"\b(?:kill|kil+|hang|hurt|cut|burn|harm|poison|drown|starve|"
            rf"stab|shoot|end|hate)\w* {ME}\b",
        ),
        (
            "ending it all",
            2.5,
            r"\bend (?:it all|everything|this life|this pain)\b|"
            r"\b(?:feel|felt|feeling) like (?:dying|i'?m dying|i want to die|killing myself)\b|"
            r"\b(?:nobody|no one|noone) (?:cares|would care|will care|would miss|will miss)\b",
        ),
        ("suicide", 2.5, r"\bsu+[ie]?c+i+[dt]\w*|\bsuiside\w*|\bkujiua\b|\bokwetta\b"),
        (
            "wanting to die",
            2.5,
            r"\b(?:want|wanna|wish|ready|going|gonna|plan\w*|try\w*|like|"
            r"better|deserve|need) (?:to )?(?:just )?(?:die|kill (?:me|myself))\b",
        ),
        (
            "wishing to be dead",
            2.5,
            r"\bwish (?:i|that i) (?:was|were|had|could be) "
            r"(?:dead|never born|gone)|\bnever (?:been )?born\b",
        ),
        (
            "ending a life",
            2.5,
            r"\b(?:end|take|finish|stop)\w* (?:my|ur|your|one'?s|a|the) "
            r"(?:own )?li(?:fe|ves)\b",
        ),
        (
            "not wanting to live",
            2.5,
            r"\b(?:don'?t|do not|dont|no longer|not) (?:want|wanna|"
            r"wish) (?:to )?(?:be alive|live|living|exist|be here|wake up|be around)\b|"
            r"\b(?:tired|sick) of (?:living|life|being alive)\b",
        ),
        (
            "better off without me",
            2.5,
            r"\bbetter off without me\b|\bno (?:reason|point) "
            r"(?:to|in) (?:live|living|going on)\b|\bnothing to live for\b",
        ),
        (
            "saying goodbye",
            2.5,
            r"\b(?:won'?t|will not|wont|will never) be (?:here|alive|"
            r"around) (?:tomorrow|anymore|any more|much longer|next)\b|\bthis is (?:my )?goodbye\b|"
            r"\bgoodbye (?:forever|for good)\b",
        ),
        (
            "never waking up",
            2.5,
            r"\bnever wake up\b|\bnot wake up again\b|"
            r"\bsleep forever\b|\bdisappear forever\b",
        ),
        (
            "a way to die",
            2.5,
            r"\bnoose\b|\b(?:painless|quick|easy|fast)\w* (?:way )?to die\b|"
            r"\bstop (?:my )?breathing\b|\boverdos\w*|\bhang (?:me|myself)\b",
        ),
        (
            "swallowing poison or pills",
            2.5,
            r"\b(?:i|me|if i|should i|can i|will i)\b.{0,20}"
            r"\b(?:drink|swallow|take|eat|chew)\w* (?:the |some "
            r"|all (?:the|my|of the) |a lot of |many )?(?:rat poison|poison|bleach|jik|pesticide|"
            r"doom|paraffin|acid|pills|tablets|panadol)\b.{0,40}\b(?:quick|die|dead|hurt|end|"
            r"sleep|enough|kill)|\bhow many\b.{0,30}\b(?:pills|tablets|panadol)\b",
        ),
        (
            "pills ready",
            2.5,
            r"\b(?:pills|tablets|poison|rope|razor)\b.{0,30}\b(?:ready|"
            r"hidden|saved|collected)\b",
        ),
        (
            "self-injury",
            2.5,
            rf"\b(?:cut|cutting|burn|burning|scratch\w*|hurt|hurting|hit|"
            rf"hitting)\w* (?:my|me|{ME})\b.{{0,25}}\b(?:arms?|wrists?|legs?|skin|body|thighs?|"
            rf"spoon|razor|blade)|\bhide (?:the |my )?(?:marks|scars|cuts|wounds)\b",
        ),
        (
            "walking into traffic",
            2.5,
            r"\b(?:walk\w*|jump\w*|throw\w*|run\w*|lie|lying) "
            r"(?:in front of|off|from|under|into) (?:a |the )?(?:[\w-]+ )?(?:lorry|river|lake|well|truck|car|bus|train|bridge|"
            r"building|roof|cliff|matatu|boda)",
        ),
        (
            "hopelessness",
            1.5,
            r"\blife is (?:useless|pointless|not worth|worthless|meaningless)|"
            r"\bhate (?:my )?life\b|\bno one would (?:miss|care)\b|\bnobody would (?:miss|care)\b",
        ),
        (
            "wanting to die, Swahili and neighbours",
            2.5,
            r"\b(?:nataka|ninataka|najisikia|"
            r"ndefwaya|njagala|ndifuna|nifwile)\b.{0,12}\b(?:kufa|okufa|ukufwa|kufa|kufwa)\b|"
            r"\bsitaki kuishi\b|\bnajiua\b|\bnitajiua\b|\bkuendelea kuishi\b|"
            r"\bokubeera omulamu\b",
        ),
        (
            "slang for ending one's life",
            2.5,
            r"\b(?:kms|kys|unalive\w*|sewer ?slide|off myself|end it all|end it)\b",
        ),
        (
            "a last goodbye",
            2.5,
            r"\b(?:my )?last message\b|\bgoodbye (?:letter|note|message)\b|\bwr(?:o|i)te a "
            r"(?:note|letter) (?:for|to) my family\b|\bbye everyone\b|\bthis is it\b|\bbefore i "
            r"go\b|\b(?:won'?t|wont|will not) (?:be )?(?:around|here|need them)\b|\bgave away my\b|"
            r"\btell my (?:mum|mom|mother|dad|family) (?:i'?m|im) sorry\b",
        ),
        (
            "wanting it to stop",
            2.5,
            r"\b(?:make|want|need) (?:the pain|it|everything|this) (?:to )?(?:end|stop)\b|"
            r"\bstop for good\b|\b(?:done|finished) with (?:life|living|everything)\b|\bmy life is "
            r"over\b|\bi (?:don'?t|dont|do not) see myself (?:alive|here|living)\b",
        ),
        (
            "being gone",
            2.5,
            r"\bif i (?:just |was |were )?(?:disappeared|was gone|were gone|wasn'?t here|wasnt "
            r"here|died|was dead)\b|\b(?:vanish|disappear|go away) forever\b|\bwant to (?:vanish|"
            r"disappear)\b|\bwhen i'?m dead\b|\bwhen im dead\b|\b(?:i'?m|im|i am) (?:just )?a "
            r"burden\b|\b(?:easier|better) for (?:all|everyone|them) if i\b|\b(?:pray|hope|"
            r"hoping) (?:that )?i (?:don'?t|dont|do not|never) wake\b|\bnot wake up\b",
        ),
        (
            "a means to die",
            2.5,
            r"\b(?:least painful|painless|quickest|easiest) way to (?:go|die|end)\b|\bways to die\b|"
            r"\bdeadly if swallowed\b|\bfast on (?:people|humans|a person)\b|\bhow (?:deep|long|"
            r"many|much)\b.{0,30}\b(?:cut|bleed|pills|tablets|poison)\b.{0,30}\b(?:serious|die|dead|"
            r"enough|kill)|\b(?:i|ive|i've|been|me)\b[^.?!]{0,20}\b(?:swallowed|took|taken|drank|"
            r"drinking|drink|take)\b.{0,25}\b(?:pills|"
            r"tablets|paraffin|bleach|jik|poison|pesticide|cattle dip|dip)\b.{0,40}\b(?:wake|die|"
            r"dizzy|ago|once|myself|end|for me|all of)|\b(?:using|use) it on myself\b|\bon myself\b"
            r"|\bhigh enough to\b|\bdrown\b.{0,30}\b(?:try|myself|me)\b",
        ),
        (
            "a means kept in mind",
            2.5,
            r"\b(?:thinking|think|thought) (?:about|of) (?:the )?(?:rope|belt|beam|bridge|river|lake|"
            r"drinking|tying|jumping|using|it|the edge|pills|tablets|poison|pesticide)\b|"
            r"\bgoing to (?:the river|the lake|jump|drink the)\b|\bi want to throw myself\b|"
            r"\bedge of the bridge\b",
        ),
        (
            "leaving for ever",
            2.5,
            r"\bremov\w* myself\b|\bstop bothering (?:everyone|you all|them)\b|\bor ever again\b|"
            r"\b(?:just )?go forever\b|\bwish (?:a|the) [\w-]+ would (?:just )?(?:hit|kill|crush) me\b|"
            r"\bwrite a will\b|\b(?:don'?t|dont|do not) deserve (?:food|to live|to eat|to be here)\b|"
            r"\b(?:don'?t|dont|do not|cant|can'?t) see the point of (?:continuing|living|going on|"
            r"being here)\b|\bvoices\b.{0,20}\btell\w* me to (?:jump|kill|hurt|die|cut)\b",
        ),
        (
            "asking for oneself",
            1.5,
            r"\basking for (?:me|myself)\b|\b(?:i'?m|im) asking for myself\b",
        ),
        (
            "death and its means",
            1.0,
            r"\b(?:drown\w*|die|dying|poison\w*|hang\w*|pills|tablets|survive without|painful|"
            r"bleed\w*|overdos\w*)\b",
        ),
        (
            "a means, again",
            2.5,
            r"\b(?:started|start|been) cutting again\b|\bcutting again\b|\b(?:bridge|building|"
            r"floor|tank|roof|tower)\b.{0,30}\bhigh enough\b|\b(?:i'?ll|i will|im going to|i'?m "
            r"going to) drink the (?:pesticide|poison|dip|jik|bleach|paraffin)\b|\btaking extra "
            r"of my [\w']+ pills\b|\bto feel numb\b|\bthe last one\b.{0,10}$|\bpunch\w* walls?\b|"
            r"\bbang\w* my head\b",
        ),
        (
            "hurting oneself, again",
            2.5,
            r"\b(?:scratch|punch|hit|bang|bite)\w* (?:myself|the wall|my head|my arm)\b.{0,40}"
            r"\b(?:bleed|blood|bruise|helps|feel)|\bno one sees the (?:cuts|scars|marks)\b|"
            r"\brelapsed\b|\bused the (?:razor|blade) again\b",
        ),
    ),
    Category.ABUSE: _cues(
        ("an adult hurting me", 2.5, rf"\b{ADULT}\b.{{0,50}}\b{HURT} (?:me|us)\b"),
        (
            "being hurt",
            2.0,
            rf"\b{HURT} me\b.{{0,30}}\b(?:every|when|again|till|until|with|"
            rf"blood|bleed|night|day|home|drunk|belt|stick|wire|cable|fimbo|because)|"
            rf"\b(?:i am|i'?m|im|i get|i got|we get) (?:beaten|whipped|caned|burnt|burned|slapped|"
            rf"raped|abused|touched|locked)\b",
        ),
        (
            "unwanted touching",
            2.5,
            r"\btouch\w* me\b.{0,40}\b(?:places|private|don'?t like|"
            r"dont like|secret|tell|fail|night|bed|hurt)|\b(?:private parts|down there)\b",
        ),
        (
            "a secret with an adult",
            1.5,
            r"\b(?:don'?t|dont|do not|not to|never|mustn'?t) tell "
            r"(?:anyone|anybody|my parents|your parents|mum|mom|dad|no one|the teacher|"
            r"your mother|your father)\b|\bour (?:little |special )?secret\b|\bkeep (?:it|this|"
            r"our|the) (?:a )?secret\b",
        ),
        (
            "gifts and love from an adult",
            1.0,
            r"\b(?:gives|gave|buys|bought|sends|sent) me "
            r"(?:money|gifts|sweets|a phone|airtime|presents|things)|\bsays he loves me\b|"
            r"\bsaid he loves me\b|\bhe is (?:\d{2}|old)\b",
        ),
        (
            "meeting alone",
            1.5,
            r"\bmeet (?:me |him |her )?(?:alone|in secret|secretly|at a lodge|"
            r"at his|at night)\b|\blodge\b",
        ),
        (
            "neglect",
            2.0,
            r"\b(?:no food|nothing to eat|without food|don'?t give me food|"
            r"doesn'?t give me food|dont give me food|haven'?t eaten|have not eaten|not eaten|"
            r"didn'?t eat)\b|\bleft (?:me|us) (?:alone|with no|without|behind)\b|"
            r"\b(?:locks|locked|lock) (?:me|us) (?:in|out|up)\b",
        ),
        (
            "child labour",
            2.0,
            r"\b(?:makes?|made|forc\w*) (?:me|us) (?:to )?(?:work|sell|"
            r"dig|carry|go with|sleep with|marry)|\binstead of (?:going to )?school\b|"
            r"\b(?:quarry|break stones|breaking stones|crush stones)\b",
        ),
        (
            "being sold or exploited",
            2.5,
            r"\bgo with (?:them|men|him|the men) for money\b|"
            r"\bsells? me\b|\bfor money\b.{0,20}\bmen\b|\bmen\b.{0,40}\bfor money\b",
        ),
        (
            "forced marriage or cutting",
            2.5,
            r"\b(?:marry|married) (?:me )?(?:off|to (?:an? )?"
            r"(?:old|older)|to him)\b|\bwant me to (?:get )?marr\w*|\bcircumcis\w*|\bfgm\b|"
            r"\b(?:want|going|plan\w*) to cut me\b|\bbride price\b.{0,30}\bme\b",
        ),
        (
            "an adult at night",
            2.5,
            r"\b(?:comes?|came|sneaks?|sneaked|gets?) (?:into|in) (?:my|"
            r"our) (?:room|bed|blanket)\b|\b(?:scared|afraid|frightened|terrified) of my "
            rf"{ADULT}\b",
        ),
        (
            "running from danger",
            2.0,
            r"\b(?:ran|run|running) away from (?:home|my|our)\b|"
            r"\bsleep (?:at|in|on) the (?:market|street|streets|stage|bus park)\b|"
            r"\b(?:scared|afraid|fear) (?:to go|of going|to be) (?:back )?home\b|"
            r"\bnot safe (?:at|in) (?:home|my home|our home)\b",
        ),
        (
            "threats and being followed",
            2.0,
            r"\bthreaten\w* (?:me|to kill me|to hurt me)\b|"
            r"\b(?:is |keeps |kept )?(?:following|followed|follows|watching|stalking) me\b|"
            r"\bwill (?:kill|hurt|beat) me\b|\bwith a (?:panga|knife|machete|gun)\b.{0,30}\bme\b|"
            r"\bme\b.{0,30}\bwith a (?:panga|knife|machete|gun)\b",
        ),
        (
            "pictures used against me",
            2.5,
            r"\b(?:post|share|send|show)\w* my (?:nudes|naked|"
            r"pictures|photos|pics)\b|\bunless i send\b",
        ),
        (
            "being hurt, Swahili and neighbours",
            2.5,
            r"\b(?:ananipiga|wananipiga|ninapigwa|"
            r"ananigusa|ankuba|bankuba|amandimenya|alandumya|ananibaka|balanuma|alanuma)\b",
        ),
        (
            "injuries from an adult",
            2.5,
            rf"\b(?:burn\w*|poured|pours|chained|chains|threw|throws|slapped|whipped|beat\w*|"
            rf"hit|kicked)\b.{{0,40}}\b(?:me|my (?:hand|back|arm|leg|face|body))\b.{{0,40}}\b(?:hot|"
            rf"knife|iron|water|belt|panga|stick|outside|house|night|hard|mistakes|because|for "
            rf"losing|if i)|\b(?:bruises|burns|scars|wounds|marks) (?:on|all over) my\b|\bi was "
            rf"(?:burned|burnt|beaten|chained|slapped|whipped|locked)\b|\bthrow me (?:in|into|out)\b|"
            rf"\b{ADULT}\b.{{0,30}}\bbeats? (?:mum|mom|my mother)? ?(?:and )?me\b",
        ),
        (
            "sexual harm disclosed",
            2.5,
            r"\bforced me\b|\bmade me (?:copy|do|touch|watch|go)\b|\b(?:grabbed|groped|kissed|"
            r"touched) me\b|\bwatches me when i'?m (?:bathing|changing|sleeping)\b|\bwatches me "
            r"(?:bath|chang)\w*|\bchange in front of him\b|\bsit on his lap\b|\bit feels wrong\b|"
            r"\bdirty videos\b|\bhas my nudes\b|\bsays its a game but it hurts\b|\bmassage her "
            r"husband\b|\bcolou?r (?:of )?my underwear\b",
        ),
        (
            "grooming",
            2.5,
            r"\b(?:photos?|pics|pictures) (?:without|with no) clothes\b|\bsend (?:him |them )?"
            r"(?:photos?|pics|pictures)\b|\bi owe him a (?:photo|pic)\b|\b(?:our|a) secret\b.{0,40}"
            r"\b(?:tell|hurt|love)|\b(?:if i|if you) tell\b.{0,40}\b(?:hurt|kill|beat|nobody will "
            r"believe)\b|\bdelete our chats\b|\bcome (?:to his|to her) (?:house|room) alone\b|"
            r"\bvisit his room\b|\bcome alone and not tell\b|\b(?:he|she) (?:says|said) (?:he|she) "
            r"(?:was|is) \d{2}\b|\bwants my address\b|\bmy boyfriend is (?:2\d|3\d|4\d)\b|"
            r"\bloves me and wants me to\b",
        ),
        (
            "an adult too close",
            2.5,
            r"\btouch\w* my (?:thighs?|legs?|body|chest|breasts?|bum|private)\b|\bshows? me "
            r"(?:videos|pictures|photos) of naked\b|\bnaked people\b|\bvideo call from my "
            r"(?:bedroom|bed)\b|\bwith the door locked\b|\b(?:comes?|came) into the (?:girls|boys)'? "
            r"(?:room|dorm)\b|\bstay behind alone\b|\b(?:sleep|go|come) (?:at|to) his house\b|"
            r"\bhis girlfriend now\b|\bkisses me\b|\bmakes me touch\b|\b(?:i'?m|im) 1\d and "
            r"pregnant\b|\bknows where i live\b",
        ),
        (
            "punished until hurt",
            2.5,
            r"\b(?:beats?|canes?|whips?|hits?|slaps?)\b (?:me|us)\b.{0,40}\b(?:hosepipe|wire|cable|"
            r"bleed|blood|hours|until)\b|\bkneel on\b|\bburned my (?:arm|hand|leg|back|face) "
            r"with\b",
        ),
        (
            "exploitation and neglect",
            2.5,
            r"\b(?:dont|don'?t|do not) pay me\b|\bwork as a (?:maid|house ?girl|house ?help)\b|"
            r"\bnot allowed to eat\b|\bleft alone (?:with|for)\b|\bno adult\b|\bthrew me outside\b|"
            r"\bslept (?:outside|next to the kitchen|on the street)\b|\bsleep at the (?:bus )?"
            r"stage\b|\bnobody picks me\b|\b(?:receiving|paid|getting) cows so that i\b|\bgirls "
            r"(?:dont|don'?t) need school\b|\bwill be (?:cut|married)\b|\bbe married soon\b",
        ),
    ),
    Category.VIOLENCE: _cues(
        (
            "wanting to hurt someone",
            2.5,
            rf"\b{INTENT}\b.{{0,30}}\b(?:beat\w* up|kill|stab|shoot|"
            rf"hurt|attack|ambush|burn|poison|punch|fight|crack|smash|injure|cut|slap|strangle|"
            rf"choke|murder)\w*\b.{{0,30}}\b{PEOPLE}\b",
        ),
        (
            "threatening someone",
            2.5,
            r"\b(?:i will|i'?ll|ill|we will|we'?ll|gonna|going to) "
            r"(?:kill|stab|shoot|beat|hurt|finish|burn|attack)\b|\bshow them who is boss\b",
        ),
        (
            "weapons",
            2.0,
            r"\b(?:petrol bomb|molotov|bombs?|explosives?|grenades?|guns?|pistols?|"
            r"gunpowder|dynamite|"
            r"rifles?|bullets|poison(?:ed)? arrows?|catapult|acid attack)\b",
        ),
        (
            "making or bringing a weapon",
            1.0,
            r"\b(?:make|making|build|bring|carry|buy|get|"
            r"sharpen)\b.{0,30}\b(?:bomb|gun|pistol|knife|knives|panga|machete|weapon\w*|arrow\w*|"
            r"catapult|spear)",
        ),
        (
            "weapons against people",
            2.5,
            rf"\b(?:panga|knife|machete|compass|stick|stone|acid|"
            rf"catapult|arrows?|spear)\b.{{0,40}}\b(?:cut|stab|hurt|burn|crack|kill|shoot|hit)\w* "
            rf"(?:a |the )?{PEOPLE}",
        ),
        (
            "setting fire to a home",
            2.5,
            r"\bset (?:fire|alight) (?:to )?(?:someone'?s?|somebody'?s?|a|"
            r"the|his|her|their)\b|\bburn (?:down )?(?:someone'?s|his|her|their) (?:house|home)\b",
        ),
        (
            "hurting a face",
            2.5,
            r"\b(?:burn|cut|scar|hit)\w* (?:someone'?s|somebody'?s|his|her|"
            r"their) face\b",
        ),
    ),
    Category.SEXUAL: _cues(
        (
            "sexual words",
            2.5,
            r"\b(?:nudes?|naked|porn\w*|xxx|sex|sexy|sexting|horny|boobs|"
            r"dick|penis|vagina|masturbat\w*|erotic|hentai|onlyfans|orgasm|condoms?|blow ?job|"
            r"having sex|have sex|make love|making love|talk dirty|dirty talk|strip\w* for)\b",
        ),
        ("touching oneself", 2.5, rf"\btouch\w* {ME}\b"),
        (
            "a partner's body",
            2.0,
            r"\b(?:girlfriend|boyfriend|girl|boy|her|him)\b.{0,40}\b(?:naked|"
            r"pics|pictures|photos|videos?|body|touch|go further|sleep with|doing it|in bed)\b",
        ),
        ("be my partner", 2.5, r"\bbe my (?:girlfriend|boyfriend|wife|husband|lover|babe)\b"),
        (
            "mating in detail",
            2.5,
            r"\bhow (?:do )?humans? (?:mate|have babies)\b.{0,40}\b"
            r"(?:dirty|details|exactly)|\bdirty details\b|\brecord\b.{0,40}\bdoing it\b",
        ),
    ),
    Category.DRUGS: _cues(
        (
            "using a drug",
            2.5,
            r"\b(?:buy|get|sneak|try|take|smoke|chew|sniff|brew|drink|mix\w*|"
            r"inject|vape|roll|hide|sell|hit)\w*\b.{0,40}\b(?:waragi|changaa|chang'?aa|kachasu|"
            r"busaa|alcohol|beer|whisky|whiskey|vodka|gin|wine|liquor|pombe|weed|bhang|marijuana|"
            r"ganja|cannabis|mirungi|miraa|khat|cocaine|coke|heroin|meth|tramadol|codeine|glue|"
            r"petrol|kuber|shisha|vape|cigarettes?|ciggies|fags|tobacco|snuff|drugs?|pills|"
            r"tablets)\b",
        ),
        (
            "getting high or drunk",
            2.5,
            r"\b(?:get|feel|getting|feeling|be|stay) (?:high|drunk|"
            r"stoned|wasted|tipsy|buzzed)\b|\bstrongest (?:alcohol|drink|beer|weed)\b",
        ),
        ("a drug named", 1.0, rf"\b{NAMED_DRUG}\b"),
        ("smoking", 2.5, rf"\b{INTENT}\b.{{0,20}}\bsmok\w*"),
        (
            "a joint",
            2.5,
            r"\b(?:roll|smoke|light|puff)\w* (?:a |the )?(?:joint|spliff|blunt|"
            r"zoot)\b",
        ),
        (
            "first-person use, after",
            1.5,
            r"\b(?:drink|drinking|alcohol|beer|drugs?|wine)\b"
            r".{0,40}\b(?:can i|should i|i want to|let me|i wanna) (?:try|taste|have|drink)\b",
        ),
        (
            "asking about a named drug",
            1.5,
            rf"\b{INTENT}\b.{{0,40}}\b{NAMED_DRUG}\b|"
            rf"\b{NAMED_DRUG}\b.{{0,40}}\b{INTENT}\b",
        ),
        (
            "first-person use",
            1.5,
            rf"\b{INTENT}\b.{{0,40}}\b(?:drink|drinking|alcohol|beer|"
            rf"drugs?|high)\b",
        ),
    ),
    Category.PERSONAL_DATA: _cues(
        (
            "someone else's credentials",
            2.5,
            r"\b(?:teacher|teachers|friend|friends|classmate|"
            r"classmates|dad|dads|father|mum|mums|mom|moms|mother|brother|sister|his|her|their|"
            r"someone|somebody|other|another|admin|headteacher|principal)(?:'?s)? (?:[\w'-]+ ){0,3}"
            r"(?:password|passcode|pin|login|log in|username|otp|account|email)s?\b",
        ),
        (
            "logging in as another",
            2.5,
            r"\b(?:log ?in|sign ?in|get in|enter)\w* (?:as|into|to) "
            r"(?:my |a |the |his |her |their )?(?:friend|teacher|classmate|someone|somebody|him|"
            r"her|another|other|admin)|\b(?:hack|break into|get into)\w* (?:\w+ )?(?:account|"
            r"phone|email|portal)",
        ),
        (
            "resetting another's password",
            2.5,
            r"\b(?:reset|change|steal|guess|find out)\w* "
            r"(?:my )?(?:\w+'?s? )?(?:password|pin|passcode)\b(?!.*\bmy own\b)(?=.*\b(?:classmate|"
            r"friend|teacher|dad|mum|mom|his|her|their|someone|so (?:she|he|they)))",
        ),
        (
            "someone's number",
            2.5,
            r"\b(?:give|send|tell|show) me (?:[\w-]+'s|his|her|their|"
            r"the teacher'?s?) (?:phone|number|address|email|location|whatsapp)\b",
        ),
        (
            "someone's home or phone",
            2.5,
            r"\bwhere (?:does|do|did) (?:mr|mrs|ms|madam|sir|"
            r"teacher|my teacher|our teacher|the \w+ teacher|\w+) (?:\w+ ){0,5}live\b|"
            r"\b(?:home address|phone numbers?|namba ya simu|simu ya|contacts?|whatsapp number)"
            r"\b.{0,40}\b(?:of|for)?\b.{0,20}\b(?:teacher|mwalimu|mr|mrs|madam|parents|students|"
            r"classmates?|him|her|them|everyone|all)\b|\b(?:his|her|their|teacher'?s?|parents'?) "
            r"(?:home )?(?:address|phone|number)\b",
        ),
        (
            "others' marks or records",
            2.5,
            r"\b(?:grades?|marks?|scores?|results?|report cards?|"
            r"fees|records?)\b.{0,30}\b(?:of|for|did|do|does|have) (?:the )?(?:other|all|everyone|"
            r"[a-z]+ [a-z]+ in)\b|"
            r"\b(?:other|the other|all the|everyone'?s|classmates?'?|his|her|their) (?:\w+ ){0,3}"
            r"(?:grades?|marks?|scores?|results?|report cards?)\b|\breport card of\b|"
            r"\bwhich (?:students|pupils|kids|children)\b.{0,40}\b(?:fees|marks|failed|paid|"
            r"grades)\b|\b(?:list|names) of (?:all )?(?:the )?(?:students|pupils|kids)\b|"
            r"\bstudent names\b",
        ),
    ),
    Category.BULLYING: _cues(
        ("bullying named", 2.0, r"\bbull(?:y|ied|ies|ying)\b"),
        (
            "others hurting me",
            2.5,
            r"\b(?:they|he|she|people|everyone|everybody|kids|boys|girls|"
            r"classmates|prefects|seniors|older \w+|big \w+|other \w+|my (?:best )?friends?|some "
            r"\w+)\b.{0,60}\b(?:call\w* me|laugh\w* at me|teas\w* me|mock\w* me|push\w* me|"
            r"take\w* my|took my|steal\w* my|stole my|hide\w* my|hid my|pour\w*|insult\w* me|make "
            r"fun of me|say i'?m|says i'?m|said i'?m|say im|says im|say i |said i |told everyone|"
            r"don'?t let me|never let me|won'?t let me|ignore\w* me|exclude\w* me|left me out|"
            r"spread\w*|inbox\w* me|messag\w* me|beat\w* (?:me|us)|slap\w* (?:me|us)|make us|"
            r"kick\w* me|spit\w* on me|threaten\w*)",
        ),
        (
            "names and exclusion",
            2.5,
            r"\bcall\w* me (?:names|stupid|ugly|dumb|fat|orphan|poor|"
            r"\w+ \w+ every)|\b(?:no one|nobody|noone) (?:wants to|will|ever) (?:sit|play|talk|be "
            r"friends?) with me\b|\b(?:hate|fear|scared of|afraid of) (?:going to )?school\b|"
            r"\bnobody likes me\b|\beveryone hates me\b",
        ),
        (
            "hurtful words about me",
            2.0,
            r"\b(?:say|says|said|tell|tells|told|call|calls|called) "
            r"(?:me |that )?(?:i|i'?m|im|i am) (?:too |so )?(?:stupid|ugly|dumb|poor|fat|smell|"
            r"useless|a loser|weird|nothing)\b|\bthat i smell\b|\bi smell\b",
        ),
        (
            "bullying someone",
            2.5,
            r"\b(?:mean|nasty|insulting|hurtful|rude) (?:poem|song|"
            r"message|joke|names?|post|comment)s?\b|\bmake (?:someone|somebody|him|her|them|a \w+) "
            r"feel (?:stupid|bad|ugly|small|dumb|worthless)\b|\bhow (?:do|can|should) (?:i|we) "
            r"(?:tease|mock|insult|embarrass|humiliate|roast|shame|exclude)\b",
        ),
        (
            "making fun of someone",
            2.5,
            r"\b(?:roast|roasts|insults?|diss track|nickname to tease|jokes about|make fun of|making "
            r"fun of|meme of|photoshop)\b|\b(?:rumou?r|lies?) (?:about|that)\b|\bspread (?:it|a "
            r"rumou?r|rumou?rs|lies)\b|\btelling everyone (?:she|he|that)\b|\bget back at\b|"
            r"\b(?:meanest|cruellest|worst) thing (?:i can|to) say\b|\bmake (?:someone|somebody|"
            r"him|her) cry\b|\bwho is the ugliest\b|\bwhole class to ignore\b|\bstop being "
            r"friends with (?:her|him)\b|\bmean anonymous\b",
        ),
        (
            "being picked on",
            2.5,
            r"\b(?:copy|copies|mimic\w*|imitat\w*) my (?:stammer|accent|voice|walk|limp)\b|"
            r"\b(?:edited|shared|forwarding|forwarded|printed|posted) my (?:photo|picture|voice "
            r"note|test|pic)\b|\bfake (?:tiktok|account|page) (?:about|of) me\b|\b(?:spit|pour|"
            r"push)\w* (?:on )?my (?:head|books|exercise books|bag|bed)\b|\b(?:nobody|no one|"
            r"noone) (?:plays|sits|comes near|talks) (?:with|near|to)? ?me\b|\bremoved me from\b|"
            r"\bhate messages\b|\bcomment\w* ugly\b|\bpulled down my\b|\bbeat us if we refuse\b|"
            r"\bmake us (?:wash|carry|clean)\b|\b(?:wananicheka|bansekerera|amandiseka|balenseka|"
            r"wananichokoza)\b",
        ),
    ),
    Category.OFF_TOPIC: _cues(
        (
            "sport results",
            2.0,
            r"\b(?:arsenal|man ?u|manchester|chelsea|liverpool|man city|"
            r"barcelona|barca|real madrid|afcon|premier league|world cup|epl|champions league|"
            r"cranes|chipolopolo|harambee stars|the match|kcca|vipers|gor mahia|"
            r"zesco)\b|\bwho (?:won|will win|is winning)\b",
        ),
        (
            "celebrities and music",
            2.0,
            r"\b(?:dating|lyrics|music videos?|celebrit\w*|tiktok|"
            r"instagram|snapchat|youtubers?|diamond platnumz|zuchu|sauti sol|eddy kenzo|bobi wine|"
            r"rema|burna boy|davido|wizkid|rihanna|beyonce|ronaldo|messi)\b",
        ),
        (
            "about the tutor",
            2.0,
            r"\b(?:your|ur) fav(?:ou?rite)? (?:food|colou?r|song|team|"
            r"movie|film|game|animal|singer)\b|\bare you (?:a )?(?:boy|girl|robot|human|man|woman|"
            r"real|alive|married)\b|\bdo you have a (?:girlfriend|boyfriend|wife|husband)\b",
        ),
        (
            "entertainment",
            2.0,
            r"\b(?:tell|say) (?:me )?(?:a |something |some )?(?:joke|funny)|"
            r"\bi'?m bored\b|\bim bored\b|\b(?:play a game|let'?s play|wanna play)\b|"
            r"\brate my (?:outfit|photo|pic|look|hair)\b",
        ),
        (
            "films and games",
            2.0,
            r"\b(?:footballers?|movies?|netflix|cartoons?|spider-?man|"
            r"marvel|avengers|video games?|fortnite|minecraft|free fire|pubg|roblox)\b",
        ),
        (
            "shopping and betting",
            2.0,
            r"\bwhich phone is better\b|\b(?:tecno|infinix|iphone|"
            r"samsung|itel)\b|\b(?:betting|sportpesa|betway|betika|odds)\b",
        ),
        (
            "romance advice",
            2.0,
            r"\b(?:get|make) (?:a|my|the) (?:girl|boy|crush) (?:to )?like "
            r"me\b|\bmy crush\b",
        ),
        ("kick-off times", 1.0, r"\bwhat time does\b.{0,30}\b(?:match|game|show|start)\b"),
    ),
    Category.STEERING: _cues(
        (
            "ignore the rules",
            2.5,
            r"\b(?:ignore|disregard|forget|override|bypass)\w* (?:all |any "
            r"|the |your |of your )?(?:previous |prior |above |earlier |safety )?(?:instructions|"
            r"rules|prompts?|guidelines|restrictions)\b",
        ),
        (
            "the tutor's instructions",
            2.5,
            r"\bsystem prompt\b|\byou are now\b|\bdeveloper mode\b|"
            r"\bjailbreak\b|\bdan mode\b|\bpretend (?:you are|to be) (?:not|a|the|my)\b",
        ),
        (
            "asking for the key",
            2.5,
            r"\b(?:reveal|show|tell|give|send|print)\w* (?:me )?(?:the |"
            r"your |all the )?(?:answer key|answers key|hidden|secret|instructions|correct "
            r"answers? (?:to|for|of) (?:all|every|the quiz|the test))\b",
        ),
    ),
}

# Contexts in which a cue's words are harmless: lesson talk, stories, idioms, one's own
# account. Each takes its weight away from the categories it names. Self-harm and abuse
# are spared all but the idioms: a child who says it inside a lesson question means it.
HARMLESS: tuple[tuple[str, float, frozenset[Category], Cue], ...] = tuple(
    (name, weight, frozenset(categories), Cue(name, weight, pattern))
    for name, weight, categories, pattern in (
        (
            "a story or a lesson",
            2.5,
            {Category.VIOLENCE, Category.DRUGS, Category.BULLYING},
            r"\b(?:in the|the|our|this|in our) (?:story|play|novel|book|poem|passage|reading|"
            r"history|lesson|experiment|film|class reader|reader|textbook|comprehension)\b.{0,60}\b(?:says?|said|killed|dies|died|drinks?|fight|"
            r"fought|which word|main idea|verb|noun|why|author|lesson does|takes)|\b(?:romeo|"
            r"juliet|macbeth|the hunter|the lion|the character|the soldiers|the author)\b",
        ),
        (
            "a grammar question",
            3.0,
            {Category.BULLYING, Category.VIOLENCE, Category.SEXUAL},
            r"\bwhich word is (?:the|a|an)\b|\bis (?:the|a) (?:noun|verb|adjective|adverb)\b|"
            r"\bin '.+'|\bin \".+\"|\bbullet points?\b",
        ),
        (
            "an idiom",
            3.0,
            {Category.SELF_HARM, Category.VIOLENCE},
            r"\b(?:is|are|'?s) killing me\b|\bdying to\b|\bkill(?:ing)? time\b|\bdie (?:of|from) "
            r"(?:laughter|laughing|boredom)\b|\bcould scream\b|\bdead tired\b|\bdye\b|\bdie my hair\b",
        ),
        (
            "a saying",
            3.0,
            {Category.BULLYING},
            r"\bbully for you\b",
        ),
        (
            "weapons in history and physics",
            2.5,
            {Category.VIOLENCE},
            r"\b(?:atomic bomb|nuclear|fission|hiroshima|nagasaki|recoil\w*|newton'?s?|world war|"
            r"gun salute|cannon in the)\b",
        ),
        (
            "saying no, and farming",
            2.5,
            {Category.DRUGS},
            r"\bsay no\b|\brefuse\b|\bresist\w*\b|\bpressure me\b|\bweed (?:the|our|beans|maize|"
            r"crops|the garden|a garden|the field)\b",
        ),
        (
            "science and health",
            2.5,
            {Category.DRUGS, Category.SEXUAL, Category.VIOLENCE},
            r"\b(?:sexual reproduction|reproduction in|parts of a flower|pollinat\w*|in science|"
            r"experiment|chlorophyll|antibiotics?|germs|bacteria|medicines?|vaccin\w*|malaria|"
            r"hiv|mosquito\w*|lungs?|cooking fire|carbon monoxide|the body|heart)\b",
        ),
        (
            "one's own account",
            3.0,
            {Category.PERSONAL_DATA},
            r"\b(?:my|my own) (?:password|account|phone number|marks|results|report card|pin|"
            r"login)\b(?!.*\b(?:his|her|their|teacher|friend|classmate|dad|mum|mom)\b)",
        ),
        (
            "a form or a census",
            3.0,
            {Category.SEXUAL},
            r"\bsex ?[:(/]|\bsex (?:m|f|male|female)\b|\b(?:male|female) (?:or|and|/) "
            r"(?:male|female)\b|\bgender\b|\bsex(?:-| )(?:cells?|linked|chromosomes?|organs?)\b|"
            r"\bsex of (?:a|the) (?:baby|child|plant|animal)\b|\bchromosomes?\b",
        ),
        (
            "a word's meaning in a lesson",
            3.0,
            {Category.SELF_HARM, Category.VIOLENCE},
            r"\bwhat (?:does|is) (?:the word |the meaning of )?(?:an? )?(?:overdose|poison|"
            r"suicide|weapon)s?(?: mean)?\b.{0,40}\b(?:textbook|lesson|book|health|science|"
            r"class|story)\b|\bgun salute\b",
        ),
        (
            "trade and work lessons",
            2.0,
            {Category.DRUGS},
            r"\bexample of (?:trade|a business|work|farming)\b|\bsells? \w+ and \w+ at (?:her|his|"
            r"the) shop\b",
        ),
        (
            "a lesson's words",
            1.0,
            {Category.OFF_TOPIC},
            r"\b(?:lesson|homework|fractions?|noun|verb|adjective|science|maths?|mathematics|"
            r"history|geography|quiz|exam|teacher said)\b",
        ),
    )
)

# Key words that children often misspell: a word one edit away from one of these is read as
# it ("sucide", "poisen", "theaten").
VOCABULARY = frozenset(
    """suicide myself poison tablets overdose threaten threatens touches touched naked nudes
    cocaine password bully bullied bullying beating beaten kill killing alive breathing
    cutting razor noose hanging porn sexy weapon pistol explosive marijuana alcohol waragi
    cigarette tramadol address report teacher classmate girlfriend boyfriend strangle
    drugs""".split()  # noqa: SIM905 (a word list reads better as text)
)
# Real words one edit away from a key word, never "corrected" into it.
REAL_WORDS = frozenset({"pistil", "pistils"})
