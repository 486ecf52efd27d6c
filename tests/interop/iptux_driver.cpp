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
 *                [--recv-dir DIR [--expect-files N]] [--offer IP PATH]...
 *
 * Order: start; wait until the pal at --wait-pal is online (and check it
 * has the name --expect-name); wait --send-after seconds (when there is
 * something to send or offer); send each --send
 * text (CoreThread::SendMessage, which retransmits until RECVMSG) and check
 * that it was acknowledged; offer the --offer paths, all those for one IP
 * in one message (CoreThread::BcstFileInfoEntry, as the GUI's "send files"
 * does, each registered with AddPrivateFile); wait until every --expect-text
 * arrived, --expect-files files and folders offered to us were downloaded
 * and every offered path was uploaded once, or the --timeout (counted from
 * the start) passed; stay up --linger seconds more (to keep acknowledging);
 * stop. A failed step does not end the run.
 *
 * With --recv-dir, every file or folder a pal offers us is downloaded as
 * the GUI's accept button does: the offered FileInfo with filepath
 * DIR/K/name (K = 1 for the first offer message, 2 for the next...) given
 * to CoreThread::RecvFile (one at a time, in the order the offers came: two
 * RecvFile threads race on iptux's task table). A crash in iptux while it
 * downloads is reported (CRASH line, a few frames) and ends the run (exit 3).
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
 *   FILE ip=... fid=... attr=regular|directory|N size=... packetn=...
 *       name=...             (each file or folder offered to us)
 *   RECV ok|error attr=... status=... name=... length=... path=...
 *   CRASH signal=N while=... (then frames: iptux crashed while fetching)
 *                            (a download ended; iptux's own task status)
 *   OFFERED ip=... count=N   (our --offer message went out)
 *   UPLOAD ok|error name=... length=...  (a pal fetched one of our offers)
 *   GOT text=...  /  MISSING text=...     (each --expect-text, at the end)
 *   OK            (all expectations met)
 *   FAIL <why>
 *
 * Build: g++ -std=c++17 iptux_driver.cpp $(pkg-config --cflags --libs iptux-core)
 * HOME should point to a scratch directory: iptux makes folders under it.
 */
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
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
#include <execinfo.h>
#include <signal.h>
#include <unistd.h>
#include <sys/stat.h>

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
	string recvDir;
	size_t expectFiles = 0;
	vector<pair<string, string>> offers;	/* ip, path */
};

struct Seen {
	mutex mu;
	condition_variable cv;
	vector<string> onlineIps;		/* in arrival order */
	vector<pair<string, string>> msgs;	/* ip, text (from pals) */
	deque<FileInfo *> toFetch;		/* offered to us, not yet fetched */
	map<uint32_t, int> offerNo;		/* packet number: 1, 2... */
	size_t offered = 0;			/* files and folders offered to us */
	size_t fetched = 0, fetchedOk = 0;	/* downloads ended */
	size_t uploads = 0, uploadsOk = 0;	/* our offers fetched */
};

Seen seen;
mutex outMu;
CoreThread *theCore;
string recvDir;
bool fetchQuit, fetcherGone;	/* under seen.mu */

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

string
attrName(FileAttr a)
{
	switch (a) {
	case FileAttr::REGULAR: return "regular";
	case FileAttr::DIRECTORY: return "directory";
	default: return to_string(unsigned(a));
	}
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
	case EventType::NEW_SHARE_FILE_FROM_FRIEND: {
		auto &f = static_cast<const NewShareFileFromFriendEvent &>(*ev).GetFileInfo();
		out("FILE ip=" + (f.fileown ? ipstr(f.fileown->ipv4) : string("?")) +
		    " fid=" + to_string(f.fileid) + " attr=" + attrName(f.fileattr) +
		    " size=" + to_string(f.filesize) + " packetn=" + to_string(f.packetn) +
		    " name=" + esc(f.filepath ? f.filepath : ""));
		lock_guard<mutex> l(seen.mu);
		seen.offered++;
		if (!seen.offerNo.count(f.packetn)) {
			int k = int(seen.offerNo.size()) + 1;
			seen.offerNo[f.packetn] = k;
		}
		if (!recvDir.empty())
			seen.toFetch.push_back(new FileInfo(f));	/* RecvFile keeps the pointer */
		seen.cv.notify_all();
		break;
	}
	case EventType::SEND_FILE_FINISHED: {
		int id = static_cast<const SendFileFinishedEvent &>(*ev).GetTaskId();
		auto m = theCore->GetTransTaskStat(id);
		bool ok = m && m->getStatus() == "tip-finish";
		out(string("UPLOAD ") + (ok ? "ok" : "error") + " task=" + to_string(id) +
		    " status=" + (m ? m->getStatus() : string("?")) +
		    " name=" + esc(m ? m->getFilename() : "") +
		    " length=" + to_string(m ? m->getFileLength() : -1));
		lock_guard<mutex> l(seen.mu);
		seen.uploads++;
		if (ok)
			seen.uploadsOk++;
		seen.cv.notify_all();
		break;
	}
	default:
		break;
	}
}

/* What the fetcher is doing, for the crash handler (set before RecvFile). */
char crashWhile[1024] = "-";

void
onCrash(int sig)
{
	char line[1200];
	void *frames[8];
	int n = snprintf(line, sizeof line, "CRASH signal=%d while=%s\n", sig, crashWhile);
	if (write(1, line, size_t(n)) < 0)
		_exit(3);
	n = backtrace(frames, 8);
	backtrace_symbols_fd(frames, n, 1);
	_exit(3);
}

/* A stack overflow needs its handler on another stack. */
void
catchCrashes()
{
	static char altstack[1 << 16];
	stack_t ss;
	memset(&ss, 0, sizeof ss);
	ss.ss_sp = altstack;
	ss.ss_size = sizeof altstack;
	sigaltstack(&ss, nullptr);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = onCrash;
	sa.sa_flags = SA_ONSTACK | SA_RESETHAND;
	sigaction(SIGSEGV, &sa, nullptr);
	sigaction(SIGBUS, &sa, nullptr);
	sigaction(SIGABRT, &sa, nullptr);
	void *frames[2];
	backtrace(frames, 2);	/* loads libgcc now, not in the handler */
}

/*
 * Downloads what is offered to us, one at a time, into recvDir: as the
 * GUI's accept button, filepath becomes DIR/K/name and RecvFile does the rest.
 */
void
fetcher()
{
	catchCrashes();
	for (;;) {
		FileInfo *f;
		{
			unique_lock<mutex> l(seen.mu);
			seen.cv.wait(l, [] { return fetchQuit || !seen.toFetch.empty(); });
			if (fetchQuit) {
				fetcherGone = true;
				seen.cv.notify_all();
				return;
			}
			f = seen.toFetch.front();
			seen.toFetch.pop_front();
		}
		string name = f->filepath ? f->filepath : "";
		int k;
		{
			lock_guard<mutex> l(seen.mu);
			k = seen.offerNo[f->packetn];
		}
		string dir = recvDir + "/" + to_string(k);
		mkdir(dir.c_str(), 0777);
		string path = dir + "/" + name;
		snprintf(crashWhile, sizeof crashWhile, "fetching %s into %s",
		    esc(name).c_str(), esc(dir).c_str());
		free(f->filepath);
		f->filepath = strdup(path.c_str());
		string status = "?";
		int64_t length = -1;
		try {
			theCore->RecvFile(f);
			/* the task RecvFile registered: its status is iptux's verdict */
			for (auto &m : theCore->listTransTasks())
				if (m->getFilePath() == path) {
					status = m->getStatus();
					length = m->getFileLength();
				}
		} catch (const exception &e) {
			status = string("exception: ") + e.what();
		} catch (...) {
			status = "exception";
		}
		strcpy(crashWhile, "-");
		bool ok = status == "tip-finish";
		out(string("RECV ") + (ok ? "ok" : "error") + " attr=" +
		    attrName(f->fileattr) + " status=" + esc(status) + " name=" +
		    esc(name) + " length=" + to_string(length) + " path=" + esc(path));
		lock_guard<mutex> l(seen.mu);
		seen.fetched++;
		if (ok)
			seen.fetchedOk++;
		seen.cv.notify_all();
	}
}

void
usage()
{
	fprintf(stderr,
	    "usage: iptux_driver [--nick N] [--group G] [--encode E] [--codeset LIST]\n"
	    "         [--bind IP] [--wait-pal IP [--expect-name NAME]]\n"
	    "         [--send-after S] [--send IP TEXT]... [--expect-text TEXT]...\n"
	    "         [--timeout S] [--linger S]\n"
	    "         [--recv-dir DIR [--expect-files N]] [--offer IP PATH]...\n");
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
		else if (a == "--recv-dir" && need(1))
			o.recvDir = argv[++i];
		else if (a == "--expect-files" && need(1))
			o.expectFiles = strtoul(argv[++i], nullptr, 10);
		else if (a == "--offer" && need(2)) {
			o.offers.emplace_back(argv[i + 1], argv[i + 2]);
			i += 2;
		}
		else {
			if (a == "--help" || a == "-h") {
				usage();
				exit(0);
			}
			fprintf(stderr, "iptux_driver: bad argument: %s\n", a.c_str());
			return false;
		}
	}
	if (o.expectFiles && o.recvDir.empty()) {
		fprintf(stderr, "iptux_driver: --expect-files needs --recv-dir\n");
		return false;
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
	theCore = &core;
	recvDir = o.recvDir;
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
	thread fetch;
	if (!o.recvDir.empty())
		fetch = thread(fetcher);
	else
		fetcherGone = true;

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
	if ((!o.sends.empty() || !o.offers.empty()) && o.sendAfter > 0)
		nap(o.sendAfter);
	auto findPal = [&](const string &ip) {
		PPalInfo p = getPal(ip);
		if (!p) {
			/* not known yet: ask it (BR_ENTRY) and give it a moment */
			core.SendDetectPacket(ip);
			auto until = min(deadline, Clock::now() + chrono::seconds(3));
			while (!p && !stopping && Clock::now() < until) {
				this_thread::sleep_for(chrono::milliseconds(100));
				p = getPal(ip);
			}
		}
		return p;
	};
	for (auto &s : o.sends) {
		if (stopping)
			break;
		PPalInfo p = findPal(s.first);
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

	/* 2b. our offers: for each pal, one message with all its paths */
	size_t nOffered = 0;
	{
		vector<string> ips;
		for (auto &of : o.offers)
			if (find(ips.begin(), ips.end(), of.first) == ips.end())
				ips.push_back(of.first);
		uint32_t fid = 10001;	/* private files: ids from MAX_SHAREDFILE (10000) up */
		for (auto &ip : ips) {
			if (stopping)
				break;
			PPalInfo p = findPal(ip);
			if (!p) {
				out("OFFERED ip=" + ip + " count=0 nopal=1");
				fails.push_back("cannot offer files: no pal at " + ip);
				continue;
			}
			vector<FileInfo *> files;
			uint32_t num = 0;
			for (auto &of : o.offers) {
				struct stat st;
				if (of.first != ip)
					continue;
				if (stat(of.second.c_str(), &st) != 0 ||
				    !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) {
					fails.push_back("cannot offer " + of.second);
					continue;
				}
				/* as the GUI's DialogBase::AttachFileToList */
				auto f = make_shared<FileInfo>();
				f->fileid = fid++;
				f->fileattr = S_ISREG(st.st_mode) ? FileAttr::REGULAR :
				    FileAttr::DIRECTORY;
				f->filesize = -1;	/* iptux sums a folder itself */
				f->filepath = strdup(of.second.c_str());
				f->filectime = uint32_t(st.st_ctime);
				f->filenum = num++;
				f->fileown = p;
				core.Lock();
				core.AddPrivateFile(f);
				core.Unlock();
				files.push_back(f.get());
			}
			if (files.empty())
				continue;
			vector<const PalInfo *> pals{p.get()};
			core.BcstFileInfoEntry(pals, files);
			nOffered += files.size();
			out("OFFERED ip=" + ip + " count=" + to_string(files.size()) +
			    " packetn=" + to_string(files[0]->packetn));
		}
	}

	/* 3. the texts, files and uploads we expect, all until the deadline */
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
		return seen.fetched >= o.expectFiles && seen.uploadsOk >= nOffered;
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
		if (seen.offered < o.expectFiles)
			fails.push_back("offered " + to_string(seen.offered) +
			    " files or folders, expected " + to_string(o.expectFiles));
		if (seen.fetchedOk < seen.fetched)
			fails.push_back(to_string(seen.fetched - seen.fetchedOk) +
			    " of " + to_string(seen.fetched) + " downloads failed");
		else if (seen.fetched < o.expectFiles)
			fails.push_back("downloaded " + to_string(seen.fetched) +
			    " of " + to_string(o.expectFiles));
		if (seen.uploadsOk < nOffered)
			fails.push_back("uploaded " + to_string(seen.uploadsOk) +
			    " of " + to_string(nOffered) + " offered (" +
			    to_string(seen.uploads) + " tries)");
	}

	if (o.linger > 0)
		nap(o.linger);

	/* a download still blocked in RecvFile cannot be stopped: leave it */
	bool busy;
	{
		unique_lock<mutex> l(seen.mu);
		fetchQuit = true;
		seen.cv.notify_all();
		seen.cv.wait_for(l, chrono::seconds(1), [] { return fetcherGone; });
		busy = !fetcherGone;
	}
	if (fetch.joinable()) {
		if (busy)
			fetch.detach();
		else
			fetch.join();
	}
	for (auto &f : fails)
		out("FAIL " + f);
	if (busy) {
		out("FAIL a download was still running");
		fflush(stdout);
		_exit(1);
	}
	core.stop();
	if (!fails.empty())
		return 1;
	out("OK");
	return 0;
}
