"""Lesson material for the demo world: four subjects, six topics each (two per term),
three lessons per topic. Each lesson is one fact, taught in text and video, and checked
by one multiple-choice question (the correct option is listed first and shuffled later)."""

from typing import NamedTuple


class LessonSeed(NamedTuple):
    title: str
    text: str
    question: str
    options: tuple[str, str, str, str]  # the first option is the correct one


class TopicSeed(NamedTuple):
    name: str
    description: str
    lessons: tuple[LessonSeed, LessonSeed, LessonSeed]


L = LessonSeed

SUBJECTS: dict[str, tuple[str, str, tuple[TopicSeed, ...]]] = {
    "ENG": (
        "English Language",
        "English language and literature",
        (
            TopicSeed(
                "Introduction to Grammar",
                "Parts of speech, sentence structure",
                (
                    L(
                        "Parts of Speech Overview",
                        "Parts of speech are the groups words belong to. A noun is a word that names a person, place, thing or idea, such as teacher, Kampala or dog.",
                        "Which word is a noun?",
                        ("dog", "run", "happy", "quickly"),
                    ),
                    L(
                        "Verbs and Actions",
                        "A verb is a word that shows an action or a state of being, such as run, write or is. Every complete sentence has a verb.",
                        "Which word is a verb?",
                        ("write", "table", "blue", "under"),
                    ),
                    L(
                        "Adjectives Describe Nouns",
                        "An adjective describes a noun. In the phrase 'the tall tree', the word tall is an adjective because it tells us more about the tree.",
                        "In 'the tall tree', which word is the adjective?",
                        ("tall", "the", "tree", "none"),
                    ),
                ),
            ),
            TopicSeed(
                "Reading Comprehension",
                "Strategies for understanding texts",
                (
                    L(
                        "Finding the Main Idea",
                        "The main idea is the most important point a writer wants you to understand. It is often found in the first or last sentence of a paragraph.",
                        "Where is the main idea often found?",
                        (
                            "the first or last sentence",
                            "the title page",
                            "the dictionary",
                            "the last word",
                        ),
                    ),
                    L(
                        "Reading for Detail",
                        "Supporting details give facts, examples or reasons that explain the main idea. Good readers look for who, what, where, when and why.",
                        "What do supporting details do?",
                        (
                            "explain the main idea",
                            "end the story",
                            "replace the title",
                            "list new words only",
                        ),
                    ),
                    L(
                        "Reading Comprehension - Techniques",
                        "Before reading, preview the title and pictures to predict what the text is about. While reading, stop and ask yourself questions to check understanding.",
                        "What should you do before reading?",
                        (
                            "preview the title and pictures",
                            "close the book",
                            "read the last page only",
                            "skip the title",
                        ),
                    ),
                ),
            ),
            TopicSeed(
                "Punctuation",
                "Capital letters, full stops, commas and question marks",
                (
                    L(
                        "Capital Letters",
                        "A sentence always begins with a capital letter. Names of people and places, such as Amina and Lusaka, also begin with capital letters.",
                        "Which word must start with a capital letter?",
                        ("Lusaka", "table", "walk", "green"),
                    ),
                    L(
                        "Full Stops and Question Marks",
                        "A statement ends with a full stop. A question ends with a question mark, for example: Where is the school?",
                        "How does a question end?",
                        (
                            "with a question mark",
                            "with a comma",
                            "with a full stop",
                            "with a capital letter",
                        ),
                    ),
                    L(
                        "Using Commas",
                        "Commas separate items in a list, as in: We bought mangoes, bananas and oranges. They also show a short pause in a sentence.",
                        "What do commas separate in a list?",
                        ("the items", "the sentences", "the paragraphs", "the chapters"),
                    ),
                ),
            ),
            TopicSeed(
                "Tenses",
                "Talking about the past, the present and the future",
                (
                    L(
                        "The Simple Present Tense",
                        "The simple present tense describes habits and facts, such as: She walks to school every day. The sun rises in the east.",
                        "Which sentence is in the simple present tense?",
                        (
                            "She walks to school every day.",
                            "She walked to school.",
                            "She will walk to school.",
                            "She had walked to school.",
                        ),
                    ),
                    L(
                        "The Simple Past Tense",
                        "The simple past tense describes finished actions. Many verbs add -ed, such as play becomes played, but some are irregular, like go becomes went.",
                        "What is the past tense of go?",
                        ("went", "goed", "gone", "going"),
                    ),
                    L(
                        "The Future Tense",
                        "The future tense describes actions that have not happened yet. We often use will before the verb, as in: We will visit the market tomorrow.",
                        "Which word often shows the future tense?",
                        ("will", "was", "did", "has"),
                    ),
                ),
            ),
            TopicSeed(
                "Composition Writing",
                "Planning and writing paragraphs and letters",
                (
                    L(
                        "Planning a Composition",
                        "A good composition has an introduction, a body and a conclusion. Planning your ideas before writing keeps them in a clear order.",
                        "What are the three parts of a composition?",
                        (
                            "introduction, body and conclusion",
                            "title, page and ink",
                            "question, answer and mark",
                            "start, middle and title",
                        ),
                    ),
                    L(
                        "Writing a Paragraph",
                        "A paragraph is a group of sentences about one idea. It starts with a topic sentence and the other sentences support it.",
                        "What does a paragraph start with?",
                        ("a topic sentence", "a conclusion", "a signature", "a question mark"),
                    ),
                    L(
                        "Writing a Friendly Letter",
                        "A friendly letter has the writer's address, the date, a greeting such as Dear Musa, the body, and a closing such as Your friend.",
                        "Which is a greeting in a friendly letter?",
                        ("Dear Musa", "Your friend", "The end", "Yours faithfully, Sir"),
                    ),
                ),
            ),
            TopicSeed(
                "Vocabulary and Spelling",
                "Synonyms, antonyms and spelling rules",
                (
                    L(
                        "Synonyms",
                        "Synonyms are words with the same or nearly the same meaning. Big and large are synonyms.",
                        "Which word is a synonym of big?",
                        ("large", "small", "short", "thin"),
                    ),
                    L(
                        "Antonyms",
                        "Antonyms are words with opposite meanings. Hot and cold are antonyms, and so are early and late.",
                        "What is the antonym of hot?",
                        ("cold", "warm", "sunny", "heavy"),
                    ),
                    L(
                        "Plural Nouns",
                        "Most nouns form the plural by adding -s, as in book and books. Nouns ending in -y after a consonant change to -ies, as in baby and babies.",
                        "What is the plural of baby?",
                        ("babies", "babys", "babyes", "baby"),
                    ),
                ),
            ),
        ),
    ),
    "MATH": (
        "Mathematics",
        "Mathematics fundamentals",
        (
            TopicSeed(
                "Whole Numbers",
                "Place value, rounding and comparing numbers",
                (
                    L(
                        "Place Value",
                        "In the number 4,582 the digit 5 is in the hundreds place, so its value is 500. Each place is ten times the place to its right.",
                        "What is the value of 5 in 4,582?",
                        ("500", "5", "50", "5,000"),
                    ),
                    L(
                        "Rounding Numbers",
                        "To round to the nearest ten, look at the ones digit. If it is 5 or more, round up; otherwise round down. So 47 rounds to 50.",
                        "What is 47 rounded to the nearest ten?",
                        ("50", "40", "45", "47"),
                    ),
                    L(
                        "Comparing Numbers",
                        "To compare numbers, compare the digits from the left. 3,201 is greater than 3,120 because 2 hundreds is more than 1 hundred.",
                        "Which number is greater?",
                        ("3,201", "3,120", "3,102", "3,012"),
                    ),
                ),
            ),
            TopicSeed(
                "Fractions",
                "Understanding, comparing and adding fractions",
                (
                    L(
                        "What Is a Fraction",
                        "A fraction shows part of a whole. In 3/4 the denominator 4 tells how many equal parts the whole has and the numerator 3 tells how many parts we take.",
                        "In 3/4, what is the denominator?",
                        ("4", "3", "7", "1"),
                    ),
                    L(
                        "Equivalent Fractions",
                        "Equivalent fractions have the same value. Multiplying the top and bottom of 1/2 by 2 gives 2/4, so 1/2 and 2/4 are equivalent.",
                        "Which fraction is equivalent to 1/2?",
                        ("2/4", "1/4", "2/3", "3/4"),
                    ),
                    L(
                        "Adding Fractions",
                        "To add fractions with the same denominator, add the numerators and keep the denominator. So 1/5 + 2/5 = 3/5.",
                        "What is 1/5 + 2/5?",
                        ("3/5", "3/10", "2/5", "1/5"),
                    ),
                ),
            ),
            TopicSeed(
                "Multiplication and Division",
                "Times tables, long multiplication and sharing",
                (
                    L(
                        "Multiplication Facts",
                        "Multiplication is repeated addition. 6 x 4 means four groups of six, which is 24.",
                        "What is 6 x 4?",
                        ("24", "10", "20", "28"),
                    ),
                    L(
                        "Division as Sharing",
                        "Division shares a number into equal groups. If 20 mangoes are shared equally among 5 children, each child gets 4.",
                        "20 mangoes shared among 5 children gives each child how many?",
                        ("4", "5", "15", "100"),
                    ),
                    L(
                        "Multiplying by 10 and 100",
                        "To multiply a whole number by 10, write one zero at the end; by 100, write two zeros. So 37 x 100 = 3,700.",
                        "What is 37 x 100?",
                        ("3,700", "370", "37,000", "137"),
                    ),
                ),
            ),
            TopicSeed(
                "Measurement",
                "Length, mass, capacity and time",
                (
                    L(
                        "Units of Length",
                        "Length is measured in millimetres, centimetres, metres and kilometres. There are 100 centimetres in 1 metre and 1,000 metres in 1 kilometre.",
                        "How many centimetres are in 1 metre?",
                        ("100", "10", "1,000", "60"),
                    ),
                    L(
                        "Mass and Capacity",
                        "Mass is measured in grams and kilograms; 1 kilogram is 1,000 grams. Capacity is measured in millilitres and litres; 1 litre is 1,000 millilitres.",
                        "How many grams are in 1 kilogram?",
                        ("1,000", "100", "10", "60"),
                    ),
                    L(
                        "Telling Time",
                        "There are 60 minutes in one hour and 24 hours in one day. Half past two is 2:30.",
                        "How many minutes are in one hour?",
                        ("60", "100", "24", "30"),
                    ),
                ),
            ),
            TopicSeed(
                "Geometry",
                "Shapes, angles and perimeter",
                (
                    L(
                        "Types of Angles",
                        "A right angle measures 90 degrees. An acute angle is less than 90 degrees and an obtuse angle is between 90 and 180 degrees.",
                        "How many degrees is a right angle?",
                        ("90", "180", "45", "360"),
                    ),
                    L(
                        "Properties of Shapes",
                        "A triangle has 3 sides, a rectangle has 4 sides with 4 right angles, and a hexagon has 6 sides.",
                        "How many sides does a hexagon have?",
                        ("6", "5", "8", "4"),
                    ),
                    L(
                        "Perimeter",
                        "The perimeter is the distance around a shape. A rectangle 5 m long and 3 m wide has a perimeter of 5 + 3 + 5 + 3 = 16 m.",
                        "What is the perimeter of a 5 m by 3 m rectangle?",
                        ("16 m", "15 m", "8 m", "30 m"),
                    ),
                ),
            ),
            TopicSeed(
                "Data Handling",
                "Tables, bar graphs and averages",
                (
                    L(
                        "Reading Tables",
                        "A table organises data in rows and columns so it is easy to compare. The heading of each column tells what the numbers mean.",
                        "What organises data in rows and columns?",
                        ("a table", "a sentence", "an angle", "a fraction"),
                    ),
                    L(
                        "Bar Graphs",
                        "A bar graph uses bars of different heights to show amounts. The tallest bar shows the largest amount.",
                        "On a bar graph, what does the tallest bar show?",
                        ("the largest amount", "the smallest amount", "the title", "the average"),
                    ),
                    L(
                        "Finding the Average",
                        "To find the average (mean), add all the numbers and divide by how many there are. The average of 2, 4 and 6 is 12 / 3 = 4.",
                        "What is the average of 2, 4 and 6?",
                        ("4", "6", "12", "3"),
                    ),
                ),
            ),
        ),
    ),
    "SCI": (
        "Science",
        "Integrated science",
        (
            TopicSeed(
                "Living Things",
                "Characteristics and classification of living things",
                (
                    L(
                        "Characteristics of Living Things",
                        "Living things grow, feed, breathe, move, reproduce, respond to changes and excrete waste. A stone does none of these, so it is non-living.",
                        "Which of these is non-living?",
                        ("a stone", "a goat", "a bean plant", "a mosquito"),
                    ),
                    L(
                        "Plants Make Food",
                        "Green plants make their own food by photosynthesis. They use sunlight, water and carbon dioxide, and their leaves contain green chlorophyll.",
                        "What process do green plants use to make food?",
                        ("photosynthesis", "digestion", "evaporation", "germination"),
                    ),
                    L(
                        "Vertebrates and Invertebrates",
                        "Vertebrates are animals with a backbone, such as fish, frogs, birds and cows. Invertebrates have no backbone, such as insects and worms.",
                        "Which animal is an invertebrate?",
                        ("a grasshopper", "a cow", "a fish", "a frog"),
                    ),
                ),
            ),
            TopicSeed(
                "The Human Body",
                "Body systems and keeping healthy",
                (
                    L(
                        "The Digestive System",
                        "Digestion breaks food into small pieces the body can use. It starts in the mouth, where teeth chew food and saliva begins to digest it.",
                        "Where does digestion start?",
                        ("in the mouth", "in the lungs", "in the heart", "in the skin"),
                    ),
                    L(
                        "The Heart and Blood",
                        "The heart pumps blood around the body through blood vessels. Blood carries oxygen and food to every part of the body.",
                        "Which organ pumps blood around the body?",
                        ("the heart", "the stomach", "the lungs", "the brain"),
                    ),
                    L(
                        "Balanced Diet",
                        "A balanced diet has carbohydrates for energy, proteins for growth, vitamins and minerals for protection, and clean water. Beans are a good source of protein.",
                        "Which food is a good source of protein?",
                        ("beans", "sugar", "cassava", "oil"),
                    ),
                ),
            ),
            TopicSeed(
                "Matter",
                "States of matter and how they change",
                (
                    L(
                        "States of Matter",
                        "Matter exists as solids, liquids and gases. A solid has a fixed shape, a liquid takes the shape of its container, and a gas fills any space.",
                        "Which state of matter takes the shape of its container?",
                        ("liquid", "solid", "stone", "ice"),
                    ),
                    L(
                        "Changes of State",
                        "Heating ice makes it melt into water, and heating water makes it evaporate into steam. Cooling steam makes it condense back into water.",
                        "What happens when water is heated until it turns into steam?",
                        ("it evaporates", "it freezes", "it condenses", "it melts"),
                    ),
                    L(
                        "Mixtures",
                        "A mixture contains substances that are not chemically joined, like sand and water. Filtering can separate sand from water.",
                        "How can sand be separated from water?",
                        ("by filtering", "by freezing", "by stirring", "by adding salt"),
                    ),
                ),
            ),
            TopicSeed(
                "Energy",
                "Forms of energy, heat and light",
                (
                    L(
                        "Sources of Energy",
                        "The sun is the main source of energy on Earth. Other sources include wind, moving water, firewood and electricity.",
                        "What is the main source of energy on Earth?",
                        ("the sun", "the moon", "rain", "soil"),
                    ),
                    L(
                        "Heat Transfer",
                        "Heat moves from hot places to cold places. It travels by conduction in solids, convection in liquids and gases, and radiation from the sun.",
                        "How does heat from the sun reach the Earth?",
                        ("by radiation", "by conduction", "by convection", "by friction"),
                    ),
                    L(
                        "Light and Shadows",
                        "Light travels in straight lines. A shadow forms when an opaque object blocks light.",
                        "How does light travel?",
                        ("in straight lines", "in circles", "in zigzags", "only at night"),
                    ),
                ),
            ),
            TopicSeed(
                "Weather and Climate",
                "Elements of weather and how we measure them",
                (
                    L(
                        "Elements of Weather",
                        "Weather is the condition of the air at a place and time. Its elements include temperature, rainfall, wind and sunshine.",
                        "Which is an element of weather?",
                        ("rainfall", "soil colour", "population", "altitude of a school"),
                    ),
                    L(
                        "Measuring Weather",
                        "A thermometer measures temperature, a rain gauge measures rainfall and a wind vane shows wind direction.",
                        "Which instrument measures rainfall?",
                        ("a rain gauge", "a thermometer", "a wind vane", "a ruler"),
                    ),
                    L(
                        "The Water Cycle",
                        "In the water cycle, the sun evaporates water, the vapour condenses into clouds, and water falls back as rain.",
                        "What forms clouds in the water cycle?",
                        ("condensed water vapour", "smoke", "dust", "wind"),
                    ),
                ),
            ),
            TopicSeed(
                "Health and Hygiene",
                "Preventing diseases",
                (
                    L(
                        "Germs and Disease",
                        "Germs are tiny living things that can cause disease. Washing hands with soap and clean water removes many germs.",
                        "What removes many germs from hands?",
                        (
                            "washing with soap and clean water",
                            "wiping on clothes",
                            "blowing on them",
                            "clapping",
                        ),
                    ),
                    L(
                        "Malaria",
                        "Malaria is spread by the bite of an infected female Anopheles mosquito. Sleeping under a treated mosquito net helps prevent it.",
                        "How is malaria spread?",
                        (
                            "by infected mosquito bites",
                            "by shaking hands",
                            "by drinking milk",
                            "by reading books",
                        ),
                    ),
                    L(
                        "Safe Drinking Water",
                        "Boiling water kills germs and makes it safe to drink. Water should be stored in clean, covered containers.",
                        "How can water be made safe to drink?",
                        ("by boiling it", "by adding sugar", "by leaving it open", "by shaking it"),
                    ),
                ),
            ),
        ),
    ),
    "SST": (
        "Social Studies",
        "Our community, country and region",
        (
            TopicSeed(
                "Our Location",
                "Maps, directions and the location of our country",
                (
                    L(
                        "The Compass",
                        "The four main compass directions are north, south, east and west. The sun rises in the east and sets in the west.",
                        "In which direction does the sun rise?",
                        ("east", "west", "north", "south"),
                    ),
                    L(
                        "Maps and Keys",
                        "A map is a drawing of a place as seen from above. A key explains the symbols used on the map.",
                        "What explains the symbols on a map?",
                        ("the key", "the title", "the compass", "the scale bar only"),
                    ),
                    L(
                        "Our Region",
                        "Uganda, Kenya and Tanzania are in East Africa, while Zambia is in Southern Africa. Lake Victoria is the largest lake in Africa.",
                        "What is the largest lake in Africa?",
                        ("Lake Victoria", "Lake Kariba", "Lake Albert", "Lake Turkana"),
                    ),
                ),
            ),
            TopicSeed(
                "Physical Features",
                "Mountains, rivers, lakes and plains",
                (
                    L(
                        "Mountains",
                        "Mountains are very high land. Mount Kilimanjaro in Tanzania is the highest mountain in Africa.",
                        "What is the highest mountain in Africa?",
                        ("Mount Kilimanjaro", "Mount Elgon", "Mount Kenya", "Rwenzori"),
                    ),
                    L(
                        "Rivers",
                        "A river flows from its source to its mouth. The Nile flows north from Lake Victoria to the Mediterranean Sea.",
                        "In which direction does the Nile flow?",
                        ("north", "south", "east", "west"),
                    ),
                    L(
                        "The Zambezi and Victoria Falls",
                        "The Zambezi River forms part of the border between Zambia and Zimbabwe. On it lies Victoria Falls, called Mosi-oa-Tunya, the smoke that thunders.",
                        "Which river has Victoria Falls?",
                        ("the Zambezi", "the Nile", "the Congo", "the Tana"),
                    ),
                ),
            ),
            TopicSeed(
                "Our Community",
                "Family, community leaders and services",
                (
                    L(
                        "The Family",
                        "A nuclear family is made of parents and their children. An extended family also includes grandparents, aunts, uncles and cousins.",
                        "Who is part of an extended family but not a nuclear family?",
                        ("a grandparent", "a mother", "a father", "a child"),
                    ),
                    L(
                        "Community Leaders",
                        "Community leaders such as local council chairpersons, religious leaders and headteachers help keep order and solve problems.",
                        "Which of these is a community leader?",
                        ("a local council chairperson", "a visitor", "a baby", "a tourist"),
                    ),
                    L(
                        "Social Services",
                        "Social services are provided to help people live well, such as schools, hospitals, clean water and roads.",
                        "Which is a social service?",
                        ("a hospital", "a mountain", "a river", "a cloud"),
                    ),
                ),
            ),
            TopicSeed(
                "Economic Activities",
                "How people earn a living",
                (
                    L(
                        "Farming",
                        "Farming is growing crops and keeping animals. Coffee is an important cash crop in Uganda and maize is a major food crop in Zambia.",
                        "Which is an important cash crop in Uganda?",
                        ("coffee", "grass", "sand", "cassava leaves"),
                    ),
                    L(
                        "Trade",
                        "Trade is buying and selling goods and services. Markets are places where traders and customers meet.",
                        "What is trade?",
                        (
                            "buying and selling goods and services",
                            "planting trees",
                            "building roads",
                            "going to school",
                        ),
                    ),
                    L(
                        "Mining",
                        "Mining is getting minerals from the ground. Zambia is one of Africa's largest producers of copper.",
                        "Which mineral is Zambia famous for?",
                        ("copper", "salt", "oil", "gold only"),
                    ),
                ),
            ),
            TopicSeed(
                "History and Government",
                "Independence and how countries are governed",
                (
                    L(
                        "Independence Days",
                        "Uganda became independent on 9 October 1962 and Zambia on 24 October 1964. Both were British colonies before independence.",
                        "When did Uganda become independent?",
                        ("9 October 1962", "24 October 1964", "1 January 1900", "12 December 1963"),
                    ),
                    L(
                        "Arms of Government",
                        "A government has three arms: the legislature makes laws, the executive carries them out, and the judiciary interprets them in courts.",
                        "Which arm of government makes laws?",
                        ("the legislature", "the judiciary", "the executive", "the army"),
                    ),
                    L(
                        "Rights and Responsibilities",
                        "Children have rights such as education, health care and protection. They also have responsibilities like respecting others and caring for school property.",
                        "Which is a right of every child?",
                        ("education", "driving a car", "voting in elections", "running a shop"),
                    ),
                ),
            ),
            TopicSeed(
                "Environment",
                "Caring for our surroundings",
                (
                    L(
                        "Natural Resources",
                        "Natural resources are things from nature that people use, such as water, soil, forests, wildlife and minerals.",
                        "Which is a natural resource?",
                        ("a forest", "a car", "a school bag", "a phone"),
                    ),
                    L(
                        "Conservation",
                        "Conservation means protecting and wisely using natural resources. Planting trees and avoiding bush burning help conserve the environment.",
                        "Which activity helps conserve the environment?",
                        ("planting trees", "bush burning", "cutting all trees", "littering"),
                    ),
                    L(
                        "Wildlife and Tourism",
                        "National parks such as Queen Elizabeth in Uganda and South Luangwa in Zambia protect wildlife and attract tourists, who bring income.",
                        "What do national parks protect?",
                        ("wildlife", "factories", "markets", "roads"),
                    ),
                ),
            ),
        ),
    ),
}
