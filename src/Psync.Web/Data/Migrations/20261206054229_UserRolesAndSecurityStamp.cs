using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Psync.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class UserRolesAndSecurityStamp : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Role",
                table: "Users",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "Admin"); // the users there were before roles could do everything: they stay admins

            migrationBuilder.AddColumn<string>(
                name: "SecurityStamp",
                table: "Users",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Role",
                table: "Tokens",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "Admin"); // as their owners: a token never does more than its owner's role allows
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Role",
                table: "Users");

            migrationBuilder.DropColumn(
                name: "SecurityStamp",
                table: "Users");

            migrationBuilder.DropColumn(
                name: "Role",
                table: "Tokens");
        }
    }
}
