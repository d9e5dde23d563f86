package sandbox

import "strings"

// Reference ids kept from the msgboxx documentation.
var (
	refHeadOffice    = mustUUID("3aa9eb0c-7e55-4e98-9ce7-bd6d241d0ad4")
	refContract      = mustUUID("7f2280ed-40bd-4bba-a813-a833f022cdf9")
	refPermanent     = mustUUID("cbe2b1f5-e732-459c-982b-541e4f134cb3")
	refTeamContract  = mustUUID("fbbb761a-091a-4273-bc7f-0f616a607ae7")
	refTeamHead      = mustUUID("dac042bb-31b6-41fe-b70a-20f5d73c0464")
	refTeamPermie    = mustUUID("1333edd0-69f0-40ef-a944-ba530ea32f60")
	refUserRecruiter = mustUUID("6d73d10d-ada8-4de2-a9a6-f441ab344287")
	refUserJohnSmith = mustUUID("8492a9d3-af16-4375-ba7c-9f67325a6a3d")
	refUserRory      = mustUUID("cd30d620-9a0e-428d-86a6-acaa54be9b72")
	refUserHelen     = mustUUID("19d9be10-1d9c-4d9c-82d6-974c12aa0a93")
	refTemplate      = mustUUID("0bbadd13-0e3f-4ebb-9f65-9e6ee460d7ba")
	refTestCustomer  = mustUUID("17b5c90a-7465-1097-b2db-66afa62c963f")
	refMissCustomer  = mustUUID("a38f0fc8-cb26-4266-bbd9-35eb8dbd6947")
	refConversation  = mustUUID("6bea4b13-e818-4544-8c43-e28a5c6cb67f")
	refMessage       = mustUUID("ce2400ec-f80a-4509-bcd3-5aa5a96a4bdf")
	refBroadcast     = mustUUID("84ca7cae-b7aa-47da-bafa-b9bb4acd2c7e")
	refWebhookZapier = mustUUID("dab932d2-c490-48de-96a4-f76848241597")
	refWebhookSite   = mustUUID("a1a39245-66e8-4b4a-9ebc-cdebc14b08ff")
)

// Demo logins.
const (
	AgentUsername      = "agent@demo.mbx"
	AgentPassword      = "demo-agent-pass"
	SupervisorUsername = "supervisor@demo.mbx"
	SupervisorPassword = "demo-supervisor-pass"
)

type templateSeed struct {
	name, status, text, example string
}

var templateSeeds = []templateSeed{
	{"follow_up", templateApproved,
		"Hi {{1}}, thanks for the conversation earlier about {{2}} lets catch up soon.",
		"Hi [John], thanks for the conversation earlier about [the 2 bedroom house you are interested in,] lets catch up soon."},
	{"interview_reminder", templateApproved,
		"Hi {{1}}, this is a reminder of your interview with {{2}} on {{3}}. Reply YES to confirm or call us to rearrange.",
		"Hi [Sarah], this is a reminder of your interview with [Acme Logistics] on [Thursday 14 March at 10:30]. Reply YES to confirm or call us to rearrange."},
	{"welcome", templateApproved,
		"Hi {{1}}, welcome to Stitch Recruit! {{1}}, reply STOP at any time to stop these messages.",
		"Hi [Priya], welcome to Stitch Recruit! [Priya], reply STOP at any time to stop these messages."},
	{"office_hours", templateApproved,
		"Our office is open Monday to Friday, 9am to 5:30pm. We will reply as soon as we are back.",
		"Our office is open Monday to Friday, 9am to 5:30pm. We will reply as soon as we are back."},
	{"job_alert", templatePending,
		"Hi {{1}}, a new {{2}} role matching your profile has just been posted. Reply INTERESTED for details.",
		"Hi [Tom], a new [forklift driver] role matching your profile has just been posted. Reply INTERESTED for details."},
	{"payment_claim", templateRejected,
		"URGENT {{1}}!!! Your payment of {{2}} is waiting, click the link to claim it now",
		"URGENT [Dave]!!! Your payment of [£250] is waiting, click the link to claim it now"},
}

// country describes how demo contacts of a country look.
type country struct {
	code     string
	weight   int
	prefixes []string // E.164 prefixes of mobile ranges
	digits   []int    // how many random digits follow the prefix (tried in turn)
	names    []string
	inbound  []string // customer phrases in the local language (besides English)
	emailTLD string
}

var countries = []country{
	{"GB", 55, []string{"+4475", "+4477", "+4478", "+4479"}, []int{8}, []string{
		"Oliver Bennett", "Amelia Hughes", "Harry Clarke", "Isla Robinson", "Jack Thompson", "Poppy Walker",
		"George Edwards", "Ava Wright", "Noah Turner", "Emily Cooper", "Charlie Ward", "Sophie Morgan",
		"Thomas Green", "Grace Hall", "Jacob Wood", "Lily Jackson", "Alfie Harris", "Freya Lewis",
		"Oscar Roberts", "Evie White", "William Davies", "Chloe Evans", "James Wilson", "Jessica Taylor",
		"Daniel Brown", "Hannah Williams", "Samuel Johnson", "Ruby Martin", "Joseph Patel", "Megan Khan",
		"Mohammed Hussain", "Aisha Begum", "Callum MacLeod", "Eilidh Fraser", "Rhys Price", "Cerys Jenkins",
		"Kwame Mensah", "Chidi Okafor", "Zara Ahmed", "Ellie-Mae O'Neill", "Jean-Luc Dubois", "Anne-Marie Carter",
		"Tomasz Kowalski", "Agnieszka Nowak", "Ioana Popescu", "Darius Stanciu",
	}, nil, "co.uk"},
	{"IE", 8, []string{"+35383", "+35385", "+35386", "+35387", "+35389"}, []int{7}, []string{
		"Siobhán Murphy", "Aoife Kelly", "Cian O'Sullivan", "Niamh Walsh", "Seán Byrne", "Oisín Ryan",
		"Caoimhe O'Connor", "Darragh McCarthy", "Róisín Doyle", "Pádraig Quinn",
	}, []string{"Grand so, talk tomorrow", "Is the Cork role still going?", "Dia dhuit, an bhfuil an post fós ar fáil?"}, "ie"},
	{"DE", 7, []string{"+49151", "+49160", "+49170", "+49176"}, []int{8, 7}, []string{
		"Jürgen Müller", "Lena Schmidt", "Lukas Schneider", "Anna Fischer", "Felix Weber", "Sophie Meyer",
		"Maximilian Wagner", "Marie Becker", "Björn Krüger", "Käthe Groß",
	}, []string{"Hallo, ist die Stelle noch frei?", "Danke, bis Donnerstag!", "Können wir den Termin auf Freitag verschieben?"}, "de"},
	{"US", 8, []string{"+1202", "+1212", "+1305", "+1312", "+1415", "+1512", "+1617", "+1646", "+1702", "+1917"}, []int{7}, []string{
		"Emma Johnson", "Liam Miller", "Olivia Davis", "Mason Garcia", "Madison Thomas", "Tyler Moore",
		"Brianna Jackson", "DeShawn Washington", "Hunter Anderson", "Kayla Rodriguez",
	}, []string{"Sounds good, talk then!", "Is this position remote-friendly?", "Can you call me after 5pm Eastern?"}, "com"},
	{"ES", 6, []string{"+346", "+347"}, []int{8}, []string{
		"José García", "María Fernández", "Javier López", "Lucía Martínez", "Álvaro Sánchez", "Carmen Pérez",
		"Íñigo Gómez", "Nuria Rodríguez",
	}, []string{"Hola, ¿sigue disponible el puesto?", "¡Gracias! Nos vemos el jueves.", "¿Podemos cambiarlo al viernes?"}, "es"},
	{"IN", 8, []string{"+919", "+918", "+917"}, []int{9}, []string{
		"Priya Sharma", "Rahul Verma", "Ananya Iyer", "Arjun Reddy", "Kavya Nair", "Vikram Singh",
		"Sneha Gupta", "Rohan Mehta", "प्रिया शर्मा", "அருண் குமார்",
	}, []string{"नमस्ते, क्या यह नौकरी अभी भी उपलब्ध है?", "Thank you sir, I will join on Monday", "Kindly share the offer letter"}, "in"},
	{"JP", 4, []string{"+8170", "+8180", "+8190"}, []int{8}, []string{
		"佐藤 花子", "鈴木 一郎", "Haruto Tanaka", "Yui Watanabe", "高橋 健太", "山本 美咲",
	}, []string{"明日の面接は何時からですか？", "ありがとうございます！", "木曜日に変更できますか？"}, "jp"},
	{"SA", 4, []string{"+96650", "+96653", "+96654", "+96655", "+96656"}, []int{7}, []string{
		"محمد العتيبي", "Fahad Al-Harbi", "Noura Al-Qahtani", "عبدالله الشمري", "Sara Al-Dosari", "فاطمة الزهراني",
	}, []string{"مرحبا، هل الوظيفة ما زالت متاحة؟", "شكرا جزيلا", "هل يمكن تغيير الموعد إلى يوم الخميس؟"}, "sa"},
}

var contactTags = []string{
	"customer", "prospect", "candidate", "client", "contractor", "permanent", "vip", "follow-up",
	"interview", "placed", "london", "manchester", "remote", "forklift", "warehouse", "nights", "driver",
	"dbs-checked", "right-to-work", "temp-to-perm",
}

var inboundPhrases = []string{
	"Hi, I saw the warehouse role advertised, is it still open?",
	"Yes, Thursday works for me",
	"Can we move it to Thursday?",
	"Thanks!",
	"What's the hourly rate?",
	"I've sent my CV over by email",
	"Running 10 mins late, sorry",
	"Is there parking on site?",
	"👍",
	"Great, see you then",
	"Could you send me the address again please?",
	"I've accepted another offer, thanks anyway",
	"Do I need to bring ID on the first day?",
	"When will I get paid for last week?",
	"My timesheet is in, can you approve it?",
	"Is the role temp to perm?",
	"Sorry I missed your call, free now",
	"Can I do nights instead of days?",
	"Perfect, thank you so much",
	"Who do I ask for at reception?",
	"I'm not feeling well today, can't make my shift",
	"Still waiting to hear back about the interview?",
	"Ok",
	"Yes please",
	"Can you call me after 5?",
	"I have my DBS certificate now",
	"How long is the contract?",
	"Great news, thanks!! 🎉",
}

var outboundPhrases = []string{
	"Hi {first}, thanks for your message. I'll check with the client and come back to you.",
	"Hi {first}, are you free for a quick call this afternoon?",
	"Great news {first}, the client would like to offer you the role!",
	"Your interview is confirmed for Thursday at 10am. Please bring photo ID.",
	"Please remember to submit your timesheet by Friday 12pm.",
	"No problem, I've moved it to Thursday.",
	"The rate is £14.50 per hour, paid weekly.",
	"Thanks {first}, I've received your CV.",
	"Yes, there is free parking behind the building.",
	"The address is Unit 4, Riverside Park, SN1 2AB.",
	"Ask for Sarah at reception, she'll sign you in.",
	"Hope you feel better soon {first}, I'll let the site know.",
	"It's a 6-month contract with a view to extend.",
	"I'll chase the client today and let you know.",
	"Perfect, speak soon.",
	"Hi {first}, just checking you're still OK for tomorrow?",
	"Payment went out this morning, it should land by Friday.",
	"Thanks {first}, all approved.",
}

var broadcastTopics = []string{
	"the forklift driver role", "the 2 bedroom house in Swindon", "the night shift at the Reading depot",
	"your availability next week", "the permanent payroll position", "the warehouse operative vacancy",
	"the HGV class 2 opening", "your contract extension",
}

var interviewers = []string{"Acme Logistics", "Brightside Foods", "Northway Retail", "Sterling Engineering", "Harbour Health"}

// hostileContact is a contact whose name and messages exercise a client's
// handling of terminal control sequences and difficult Unicode.
type hostileContact struct {
	name     string
	inbound  []string
	outgoing []string
}

func hostileContacts() []hostileContact {
	long := strings.Repeat("This is a very long message from a customer who has a lot to say about the role. ", 70)
	long = string([]rune(long)[:5000])
	return []hostileContact{
		{name: "\x1b[1;31mURGENT\x1b[0m Dave",
			inbound: []string{"\x1b[31mRED ALERT\x1b[0m please call me back", "\x1b[2J\x1b[Hdid your screen just clear?", "bell\x07bell\x07"}},
		{name: "Eve \u202egnp.exe",
			inbound: []string{"please open invoice\u202efdp.exe", "مرحبا، هل الوظيفة ما زالت متاحة؟", "שלום, אני מעוניין במשרה"}},
		{name: "👩‍👩‍👧‍👦 Family Ops 🏳️‍🌈",
			inbound:  []string{"On my way 🚗💨 👍🏽 🇬🇧🇮🇪🇩🇪🇯🇵", "👨‍👩‍👧 🧑🏿‍💻 ❤️‍🔥 🏴󠁧󠁢󠁳󠁣󠁴󠁿"},
			outgoing: []string{"See you soon 👋"}},
		{name: "Zero\u200bWidth\u200dJoe\ufeff",
			inbound: []string{"log in at pay\u200bpal.com/verify", "pay 100\rpay 999", "abc\b\b\bxyz"}},
		{name: "田中 太郎",
			inbound: []string{"明日の面接は何時からですか？", "我明天可以来面试吗？", "내일 면접 가능합니다"}},
		{name: "Link \x1b]8;;http://evil.example\x07Larry\x1b]8;;\x07",
			inbound: []string{
				"\x1b]8;;http://evil\x07click\x1b]8;;\x07 for your payslip",
				"\x1b]52;c;cm0gLXJmIH4vKg==\x07copied to your clipboard!",
				"\u009b31mred via a C1 CSI\u009b0m",
			}},
		{name: "Long Lucy", inbound: []string{long}},
		{name: "\xff\x1b[33mBroken Bytes",
			inbound: []string{"\xff\x1b[31mbad bytes then colour", "tab\there and trailing spaces   "}},
	}
}

// volumeWords feed the volume-mode message bodies.
var volumeWords = []string{
	"shift", "tomorrow", "thanks", "interview", "client", "contract", "rate", "timesheet", "start", "monday",
	"address", "parking", "call", "confirm", "available", "week", "role", "site", "payroll", "nights",
	"great", "sorry", "late", "ok", "please", "send", "details", "offer", "cv", "today",
}
