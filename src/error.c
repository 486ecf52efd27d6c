/* error: text for the library's status codes. */
#include "feige/feige.h"

const char *
fg_strerror(int r)
{
	switch (r) {
	case FG_OK:		return "success";
	case FG_ERR_INTERNAL:	return "internal error";
	case FG_ERR_ALLOC:	return "out of memory";
	case FG_ERR_LIMIT:	return "size limit exceeded";
	case FG_ERR_TRUNCATED:	return "input truncated";
	case FG_ERR_FORMAT:	return "malformed input";
	case FG_ERR_INVAL:	return "invalid argument";
	case FG_ERR_CHARSET:	return "charset conversion failed";
	case FG_ERR_NOT_FOUND:	return "not found";
	case FG_ERR_SYSTEM:	return "system error";
	case FG_ERR_RANGE:	return "number out of range";
	case FG_ERR_TIMEOUT:	return "no answer in time";
	case FG_ERR_CLOSED:	return "closed";
	case FG_ERR_CRYPTO:	return "decryption or signature check failed";
	}
	return "unknown error";
}
