/*
 * iptux_driver: a headless iptux peer for the interop tests.
 *
 * It runs libiptux-core (iptux's own protocol engine, the one the GUI uses)
 * with a nick, group and communication encoding taken from the command
 * line, prints one line per event it sees, and checks expectations:
 *
 *   iptux_driver [--nick N] [--group G] [--encode utf-8|gbk|...]
 *                [--codeset LIST] [--bind IP]
 *                [--wait-pal IP [--expect-name NAME]]
 *                [--send IP TEXT]... [--expect-text TEXT]...
 *                [--send-after S] [--timeout S] [--linger S]
 *
 * Order: start; wait until the pal at --wait-pal is online (and check it
 * has the name --expect-name); wait --send-after seconds; send each --send
 * text (CoreThread::SendMessage, which retransmits until RECVMSG) and check
 * that it was acknowledged; wait until every --expect-text arrived or the
 * --timeout (counted from the start) passed; stay up --linger seconds more
 * (to keep acknowledging); stop. A failed step does not end the run.
 * SIGTERM or SIGINT ends the waiting early. Exit 0 when every expectation
 * was met, 1 otherwise, 2 on a usage error.
 *
 * Output, one line each, text fields in UTF-8 with \n, \r, \t and \\ escaped:
 *   READY nick=... encode=...
 *   PAL <online|update> ip=... user=... host=... name=... group=...
 *       encode=... version=... compatible=0|1    (printed when it changed)
 *   OFFLINE ip=...
 *   MSG from=<pal|self|error> ip=... text=...
 *   NAME ok|bad ip=... name=...
 *   SENT ip=... acked=0|1 text=...
 *   GOT text=...  /  MISSING text=...     (each --expect-text, at the end)
 *   OK            (all expectations met)
 *   FAIL <why>
 *
 * Build: g++ -std=c++17 iptux_driver.cpp $(pkg-config --cflags --libs iptux-core)
 * HOME should point to a scratch directory: iptux makes folders under it.
 */
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <signal.h>

#include <iptux-core/CoreThread.h>
#include <iptux-core/Event.h>
#include <iptux-core/IptuxConfig.h>
#include <iptux-core/Models.h>
#include <iptux-core/ProgramData.h>

using namespace std;
using namespace iptux;

namespace {

struct Opts {
	string nick = "iptux-driver";
	string group;
	string encode = "utf-8";
	string codeset;		/* empty: iptux's default "gb18030,utf-16" */
	string bind = "0.0.0.0";
	string waitPal;
	string expectName;
	bool haveExpectName = false;
	vector<pair<string, string>> sends;
	vector<string> expectTexts;
	double timeout = 30;
	double linger = 0;
	double sendAfter = 0;
};

struct Seen {
	mutex mu;
	condition_variable cv;
	vector<string> onlineIps;		/* in arrival order */
	vector<pair<string, string>> msgs;	/* ip, text (from pals) */
};

Seen seen;
mutex outMu;

string
esc(const string &s)
{
	string o;
	for (unsigned char c : s) {
		switch (c) {
		case '\n': o += "\\n"; break;
		case '\r': o += "\\r"; break;
		case '\t': o += "\\t"; break;
		case '\\': o += "\\\\"; break;
		default:
			if (c < 0x20 || c == 0x7f) {
				char b[8];
				snprintf(b, sizeof b, "\\x%02x", c);
				o += b;
			} else
				o += char(c);
		}
	}
	return o;
}

void
out(const string &line)
{
	lock_guard<mutex> l(outMu);
	fputs(line.c_str(), stdout);
	fputc('\n', stdout);
	fflush(stdout);
}

string
ipstr(in_addr a)
{
	char b[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &a, b, sizeof b);
	return b;
}

/* Prints a pal when it is new or something about it changed. */
void
printPal(const char *what, const PalInfo &p)
{
	static mutex mu;
	static map<string, string> last;
	string ip = ipstr(p.ipv4);
	string rest = " user=" + esc(p.getUser()) + " host=" + esc(p.getHost()) +
	    " name=" + esc(p.getName()) + " group=" + esc(p.getGroup()) +
	    " encode=" + esc(p.getEncode()) +
	    " version=" + esc(p.getVersion()) +
	    " compatible=" + (p.isCompatible() ? "1" : "0");
	{
		lock_guard<mutex> l(mu);
		auto it = last.find(ip);
		if (it != last.end() && it->second == rest)
			return;
		last[ip] = rest;
	}
	out(string("PAL ") + what + " ip=" + ip + rest);
}

void
onEvent(shared_ptr<const Event> ev)
{
	switch (ev->getType()) {
	case EventType::NEW_PAL_ONLINE:
	case EventType::PAL_UPDATE: {
		CPPalInfo p;
		const char *what;
		if (ev->getType() == EventType::NEW_PAL_ONLINE) {
			p = static_cast<const NewPalOnlineEvent &>(*ev).getPalInfo();
			what = "online";
		} else {
			p = static_cast<const PalUpdateEvent &>(*ev).getPalInfo();
			what = "update";
		}
		if (!p)
			break;
		printPal(what, *p);
		lock_guard<mutex> l(seen.mu);
		seen.onlineIps.push_back(ipstr(p->ipv4));
		seen.cv.notify_all();
		break;
	}
	case EventType::PAL_OFFLINE: {
		auto &k = static_cast<const PalOfflineEvent &>(*ev).GetPalKey();
		out("OFFLINE ip=" + k.GetIpv4String());
		break;
	}
	case EventType::NEW_MESSAGE: {
		auto &m = static_cast<const NewMessageEvent &>(*ev).getMsgPara();
		const char *from = m.stype == MessageSourceType::PAL ? "pal" :
		    m.stype == MessageSourceType::SELF ? "self" : "error";
		string ip = m.getPal() ? ipstr(m.getPal()->ipv4) : "?";
		string text;
		for (auto &c : m.dtlist)
			if (c.type == MessageContentType::STRING)
				text += c.data;
		out(string("MSG from=") + from + " ip=" + ip + " text=" + esc(text));
		if (m.stype == MessageSourceType::PAL) {
			lock_guard<mutex> l(seen.mu);
			seen.msgs.emplace_back(ip, text);
			seen.cv.notify_all();
		}
		break;
	}
	default:
		break;
	}
}

void
usage()
{
	fprintf(stderr,
	    "usage: iptux_driver [--nick N] [--group G] [--encode E] [--codeset LIST]\n"
	    "         [--bind IP] [--wait-pal IP [--expect-name NAME]]\n"
	    "         [--send-after S] [--send IP TEXT]... [--expect-text TEXT]...\n"
	    "         [--timeout S] [--linger S]\n");
}

bool
parse(int argc, char **argv, Opts &o)
{
	for (int i = 1; i < argc; i++) {
		string a = argv[i];
		auto need = [&](int n) {
			if (i + n >= argc) {
				fprintf(stderr, "iptux_driver: %s needs %d argument(s)\n",
				    a.c_str(), n);
				return false;
			}
			return true;
		};
		if (a == "--nick" && need(1))
			o.nick = argv[++i];
		else if (a == "--group" && need(1))
			o.group = argv[++i];
		else if (a == "--encode" && need(1))
			o.encode = argv[++i];
		else if (a == "--codeset" && need(1))
			o.codeset = argv[++i];
		else if (a == "--bind" && need(1))
			o.bind = argv[++i];
		else if (a == "--wait-pal" && need(1))
			o.waitPal = argv[++i];
		else if (a == "--expect-name" && need(1)) {
			o.expectName = argv[++i];
			o.haveExpectName = true;
		} else if (a == "--send" && need(2)) {
			o.sends.emplace_back(argv[i + 1], argv[i + 2]);
			i += 2;
		} else if (a == "--expect-text" && need(1))
			o.expectTexts.push_back(argv[++i]);
		else if (a == "--timeout" && need(1))
			o.timeout = atof(argv[++i]);
		else if (a == "--linger" && need(1))
			o.linger = atof(argv[++i]);
		else if (a == "--send-after" && need(1))
			o.sendAfter = atof(argv[++i]);
		else {
			if (a == "--help" || a == "-h") {
				usage();
				exit(0);
			}
			fprintf(stderr, "iptux_driver: bad argument: %s\n", a.c_str());
			return false;
		}
	}
	if (o.haveExpectName && o.waitPal.empty()) {
		fprintf(stderr, "iptux_driver: --expect-name needs --wait-pal\n");
		return false;
	}
	return true;
}

using Clock = chrono::steady_clock;

/* SIGTERM/SIGINT: stop waiting, report what is missing, stop cleanly. */
volatile sig_atomic_t stopping;

void
onSignal(int)
{
	stopping = 1;
}

/* Waits (in short slices, so a signal ends it) until pred or the deadline. */
template <class Pred>
bool
waitFor(Clock::time_point deadline, Pred pred)
{
	unique_lock<mutex> l(seen.mu);
	while (!pred()) {
		if (stopping || Clock::now() >= deadline)
			return false;
		seen.cv.wait_for(l, chrono::milliseconds(100));
	}
	return true;
}

/* Sleeps s seconds unless a signal comes first. */
void
nap(double s)
{
	auto until = Clock::now() + chrono::milliseconds(long(s * 1000));
	while (!stopping && Clock::now() < until)
		this_thread::sleep_for(chrono::milliseconds(50));
}

}  // namespace

int
main(int argc, char **argv)
{
	Opts o;
	if (!parse(argc, argv, o)) {
		usage();
		return 2;
	}
	auto deadline = Clock::now() +
	    chrono::milliseconds(long(o.timeout * 1000));
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = onSignal;
	sigaction(SIGTERM, &sa, nullptr);
	sigaction(SIGINT, &sa, nullptr);

	auto config = IptuxConfig::newFromString("{}");
	config->SetString("nick_name", o.nick);
	config->SetString("belong_group", o.group);
	config->SetString("preference_encode", o.encode);
	if (!o.codeset.empty())
		config->SetString("candidacy_encode", o.codeset);
	config->SetString("bind_ip", o.bind);
	config->SetBool("record_log", false);
	auto data = make_shared<ProgramData>(config);
	CoreThread core(data);
	core.signalEvent.connect(sigc::ptr_fun(onEvent));
	try {
		core.start();
	} catch (const exception &e) {
		out(string("FAIL cannot start: ") + e.what());
		return 1;
	} catch (const char *e) {
		out(string("FAIL cannot start: ") + e);
		return 1;
	}
	out("READY nick=" + esc(o.nick) + " encode=" + o.encode);

	vector<string> fails;
	auto getPal = [&](const string &ip) {
		core.Lock();
		PPalInfo p = core.GetPal(ip);
		core.Unlock();
		return p;
	};

	/* 1. the pal we wait for, and its name */
	if (!o.waitPal.empty()) {
		bool ok = waitFor(deadline, [&] {
			for (auto &ip : seen.onlineIps)
				if (ip == o.waitPal)
					return true;
			return false;
		});
		if (!ok)
			fails.push_back("pal " + o.waitPal + " never came online");
		else if (o.haveExpectName) {
			/* a later entry may still change it: allow up to 2 s */
			auto until = min(deadline, Clock::now() + chrono::seconds(2));
			string name;
			for (;;) {
				PPalInfo p = getPal(o.waitPal);
				name = p ? p->getName() : "";
				if (name == o.expectName || stopping ||
				    Clock::now() >= until)
					break;
				this_thread::sleep_for(chrono::milliseconds(100));
			}
			if (name == o.expectName)
				out("NAME ok ip=" + o.waitPal + " name=" + esc(name));
			else {
				out("NAME bad ip=" + o.waitPal + " name=" + esc(name));
				fails.push_back("pal " + o.waitPal + " has name \"" +
				    esc(name) + "\", expected \"" + esc(o.expectName) + "\"");
			}
		}
	}

	/* 2. our messages, each to be acknowledged */
	if (!o.sends.empty() && o.sendAfter > 0)
		nap(o.sendAfter);
	for (auto &s : o.sends) {
		if (stopping)
			break;
		PPalInfo p = getPal(s.first);
		if (!p) {
			/* not known yet: ask it (BR_ENTRY) and give it a moment */
			core.SendDetectPacket(s.first);
			auto until = min(deadline, Clock::now() + chrono::seconds(3));
			while (!p && !stopping && Clock::now() < until) {
				this_thread::sleep_for(chrono::milliseconds(100));
				p = getPal(s.first);
			}
		}
		if (!p) {
			out("SENT ip=" + s.first + " acked=0 nopal=1 text=" + esc(s.second));
			fails.push_back("cannot send: no pal at " + s.first);
			continue;
		}
		/* SendMessage retransmits until RECVMSG clears rpacketn (4 tries, 1 s apart) */
		core.SendMessage(p, s.second);
		bool acked = p->rpacketn == 0;
		out(string("SENT ip=") + s.first + " acked=" + (acked ? "1" : "0") +
		    " text=" + esc(s.second));
		if (!acked)
			fails.push_back("message to " + s.first + " was not acknowledged");
	}

	/* 3. the texts we expect, all until the deadline */
	auto has = [&](const string &t) {
		for (auto &m : seen.msgs)
			if (m.second == t)
				return true;
		return false;
	};
	waitFor(deadline, [&] {
		for (auto &t : o.expectTexts)
			if (!has(t))
				return false;
		return true;
	});
	{
		lock_guard<mutex> l(seen.mu);
		for (auto &t : o.expectTexts) {
			if (has(t))
				out("GOT text=" + esc(t));
			else {
				out("MISSING text=" + esc(t));
				fails.push_back("never received \"" + esc(t) + "\"");
			}
		}
	}

	if (o.linger > 0)
		nap(o.linger);

	core.stop();
	for (auto &f : fails)
		out("FAIL " + f);
	if (!fails.empty())
		return 1;
	out("OK");
	return 0;
}
