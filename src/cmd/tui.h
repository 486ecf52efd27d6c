/*
 * tui: the interactive chat UI that `feige` with no command opens. tui.c
 * runs it (a client of the daemon, starting one when none runs);
 * tui_draw.c draws the model (tui_model.h) with ncursesw.
 */
#ifndef FG_CMD_TUI_H
#define FG_CMD_TUI_H

#include "tui_model.h"

/* Sets up colours (none when NO_COLOR is set or the terminal has none). */
void	fg_tui_draw_init(int color);
/* Draws the whole screen from the model and places the cursor. */
void	fg_tui_draw(struct fg_tui *m);
/* 1 when $NO_COLOR is set to a non-empty value. */
int	fg_tui_no_color(void);

#endif /* FG_CMD_TUI_H */
