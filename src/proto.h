/*
 * proto: IPMsg protocol constants (docs/protocol notes, sections 2 and 3)
 * and the named limits that every parser checks before it allocates.
 */
#ifndef FG_PROTO_H
#define FG_PROTO_H

/* Command word: low 8 bits are the mode, the high 24 bits option flags. */
#define FG_CMD_MODE(c)		((c) & 0x000000ffU)
#define FG_CMD_OPTS(c)		((c) & 0xffffff00U)

/* Modes. */
#define FG_CMD_NOOPERATION	0x00U
#define FG_CMD_BR_ENTRY		0x01U
#define FG_CMD_BR_EXIT		0x02U
#define FG_CMD_ANSENTRY		0x03U
#define FG_CMD_BR_ABSENCE	0x04U
#define FG_CMD_BR_ISGETLIST	0x10U
#define FG_CMD_OKGETLIST	0x11U
#define FG_CMD_GETLIST		0x12U
#define FG_CMD_ANSLIST		0x13U
#define FG_CMD_ANSLIST_DICT	0x14U
#define FG_CMD_BR_ISGETLIST2	0x18U
#define FG_CMD_SENDMSG		0x20U
#define FG_CMD_RECVMSG		0x21U
#define FG_CMD_READMSG		0x30U
#define FG_CMD_DELMSG		0x31U
#define FG_CMD_ANSREADMSG	0x32U
#define FG_CMD_GETINFO		0x40U
#define FG_CMD_SENDINFO		0x41U
#define FG_CMD_GETABSENCEINFO	0x50U
#define FG_CMD_SENDABSENCEINFO	0x51U
#define FG_CMD_GETFILEDATA	0x60U
#define FG_CMD_RELEASEFILES	0x61U
#define FG_CMD_GETDIRFILES	0x62U
#define FG_CMD_GETPUBKEY	0x72U
#define FG_CMD_ANSPUBKEY	0x73U

/* Options on entry-family packets and host status words. */
#define FG_OPT_ABSENCE		0x00000100U
#define FG_OPT_SERVER		0x00000200U
#define FG_OPT_DIALUP		0x00010000U
#define FG_OPT_CAPFILEENC	0x00040000U
#define FG_OPT_FILEATTACH	0x00200000U
#define FG_OPT_ENCRYPT		0x00400000U
#define FG_OPT_UTF8		0x00800000U
#define FG_OPT_CAPUTF8		0x01000000U
#define FG_OPT_CAPIPDICT	0x02000000U
#define FG_OPT_ENCEXTMSG	0x04000000U
#define FG_OPT_CLIPBOARD	0x08000000U
#define FG_OPT_DIR_MASTER	0x10000000U

/* Options on SENDMSG and READMSG. */
#define FG_OPT_SENDCHECK	0x00000100U
#define FG_OPT_SECRET		0x00000200U
#define FG_OPT_BROADCAST	0x00000400U
#define FG_OPT_MULTICAST	0x00000800U
#define FG_OPT_AUTORET		0x00002000U
#define FG_OPT_RETRY		0x00004000U
#define FG_OPT_PASSWORD		0x00008000U
#define FG_OPT_NOLOG		0x00020000U
#define FG_OPT_NOADDLIST	0x00080000U
#define FG_OPT_READCHECK	0x00100000U
#define FG_OPT_SECRETEX		(FG_OPT_SECRET | FG_OPT_READCHECK)

/* Options on GETFILEDATA and GETDIRFILES. */
#define FG_OPT_ENCFILE		0x00000800U

/* iptux-only SENDMSG options. */
#define FG_OPT_IPTUX_SHARED	0x80000000U
#define FG_OPT_IPTUX_PASSWD	0x40000000U

/* File types (low 8 bits of an attribute word) and attribute bits. */
#define FG_FILE_TYPE(a)		((a) & 0xffU)
#define FG_FILE_REGULAR		0x01U
#define FG_FILE_DIR		0x02U
#define FG_FILE_RETPARENT	0x03U
#define FG_FILE_SYMLINK		0x04U
#define FG_FILE_CDEV		0x05U
#define FG_FILE_BDEV		0x06U
#define FG_FILE_FIFO		0x07U
#define FG_FILE_RESFORK		0x10U
#define FG_FILE_CLIPBOARD	0x20U
#define FG_FILE_RONLY		0x00000100U
#define FG_FILE_HIDDEN		0x00001000U
#define FG_FILE_EXHIDDEN	0x00002000U
#define FG_FILE_ARCHIVE		0x00004000U
#define FG_FILE_SYSTEM		0x00008000U

/* Extended attribute keys in attachment lists and directory headers. */
#define FG_XATTR_UID		0x01U
#define FG_XATTR_USERNAME	0x02U
#define FG_XATTR_GID		0x03U
#define FG_XATTR_GROUPNAME	0x04U
#define FG_XATTR_CLIPBOARDPOS	0x08U
#define FG_XATTR_PERM		0x10U
#define FG_XATTR_MAJORNO	0x11U
#define FG_XATTR_MINORNO	0x12U
#define FG_XATTR_CTIME		0x13U
#define FG_XATTR_MTIME		0x14U
#define FG_XATTR_ATIME		0x15U
#define FG_XATTR_CREATETIME	0x16U

/* Separators. */
#define FG_SEP_FIELD		':'
#define FG_SEP_LIST		'\a'	/* between attachments and host-list fields */
#define FG_SEP_DUMMY		'\b'	/* stands for an empty nick or group */

/*
 * Limits. Each is checked before anything is allocated from what a peer
 * sent. The datagram size follows the official client's 32 KiB receive
 * buffer; datagrams to iptux and FeiQ are kept at or under 8191 bytes.
 */
#define FG_MAX_DATAGRAM		32768	/* largest datagram we accept */
#define FG_MAX_DATAGRAM_LEGACY	8191	/* largest we send to iptux/FeiQ */
#define FG_MAX_NAME		256	/* user, host, nick, group (bytes) */
#define FG_MAX_VERSION		128	/* the version field (bytes) */
#define FG_MAX_SECTIONS		8	/* NUL-separated sections kept per packet */
#define FG_MAX_FILENAME		765	/* a file name on the wire (bytes) */
#define FG_MAX_ATTACH		1024	/* attachments in one offer */
#define FG_MAX_DIRHDR		1024	/* one directory-stream header (bytes) */
#define FG_MAX_DIR_DEPTH	64	/* directory nesting in a stream */
#define FG_MAX_HOSTLIST		512	/* hosts in one ANSLIST part */
#define FG_MAX_PKTNO		0x7fffffffU	/* packet numbers we send */

#endif /* FG_PROTO_H */
