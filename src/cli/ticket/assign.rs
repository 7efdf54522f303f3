use clap::Args;

use crate::ops::ticket;
use crate::Result;

use super::super::Ctx;

#[derive(Debug, Args)]
pub struct TicketAssignArgs {
    pub id: String,
    /// The technician; yourself (TKT_USER or git user.name) when left out.
    #[arg(conflicts_with = "clear")]
    pub user: Option<String>,
    /// Leave the ticket unassigned.
    #[arg(long)]
    pub clear: bool,
}

pub fn cmd_ticket_assign(ctx: &Ctx, args: TicketAssignArgs) -> Result<()> {
    ctx.run(|env| {
        let assignee = match (args.clear, args.user) {
            (true, _) => None,
            (false, Some(user)) => Some(user.trim().to_string()),
            (false, None) => Some(env.actor().to_string()),
        };
        ticket::assign(env, &args.id, assignee)
    })
}
